/**
 * The values policies see (contract section 8), as plain classes the CEL wrapper registers as typed
 * objects: one `CelSignature` per verified signature, `CelReference` for parsed references, and the
 * JSON → CEL conversion of untrusted documents (integers become int, everything bounded).
 */
import { isReferenceProblem, parseReference, type DockerReference } from '../identity/reference.js';
import type { SignatureVerdict } from '../types.js';

/** `signer` of a signature: from the verified key; every field null when the signature is not verified. */
export class CelSigner {
  constructor(
    readonly commonName: string | null,
    readonly organization: string | null,
    readonly email: string | null,
  ) {}
}

/** `issuer` of a signature: the trust root's issuer (OpenPGP) or the issuing CA (X.509). */
export class CelIssuer {
  constructor(
    readonly commonName: string | null,
    readonly organization: string | null,
  ) {}
}

/**
 * One signature as the verifier judged it. Field types: see `SIGNATURE_FIELDS`. Fields are read
 * lazily from the verdict (cel-js reads message fields by property access), so building the list
 * for an Image costs almost nothing and each field is computed once, when a policy reads it.
 */
export class CelSignature {
  readonly #v: SignatureVerdict;
  #signer: CelSigner | undefined;
  #issuer: CelIssuer | undefined;
  #created: Date | null | undefined;
  #timestamp: Date | null | undefined;

  constructor(verdict: SignatureVerdict) {
    this.#v = verdict;
  }

  get name(): string { return this.#v.name; }
  get type(): string { return this.#v.type; }
  get format(): string { return this.#v.format; }
  get trusted(): boolean { return this.#v.trusted; }
  get forImage(): boolean { return this.#v.forImage; }
  get reason(): string { return this.#v.reason; }
  get message(): string { return this.#v.message; }
  /** The packet's issuer key ID: a hint unless `trusted`. */
  get keyID(): string | null { return this.#v.keyID ?? this.#v.signer?.keyID ?? null; }
  get fingerprint(): string | null { return this.#v.signer?.fingerprint ?? null; }
  get trustRoot(): string | null { return this.#v.signer?.trustRoot ?? null; }
  get signer(): CelSigner {
    const s = this.#v.signer;
    return (this.#signer ??= new CelSigner(s?.commonName ?? null, s?.organization ?? null, s?.email ?? null));
  }
  get issuer(): CelIssuer {
    const s = this.#v.signer;
    return (this.#issuer ??= new CelIssuer(s?.issuer.commonName ?? null, s?.issuer.organization ?? null));
  }
  get identity(): string | null { return this.#v.claims?.dockerReference ?? null; }
  get digest(): string | null { return this.#v.claims?.manifestDigest ?? null; }
  get creator(): string | null { return this.#v.claims?.creator ?? null; }
  /** Set only with a verified signer, as the verifier sets it. */
  get created(): Date | null {
    return (this.#created ??= validDate(this.#v.signer === undefined ? undefined : this.#v.created));
  }
  get timestamp(): Date | null {
    const seconds = this.#v.claims?.timestamp;
    return (this.#timestamp ??= seconds === undefined ? null : validDate(seconds * 1000));
  }
  get expired(): boolean { return this.#v.expired; }
  get revoked(): boolean { return this.#v.revoked; }
}

/** A parsed, normalized docker reference (`reference`, `parseReference()`). */
export class CelReference {
  constructor(
    /** Registry host (and port), `docker.io` for short names. */
    readonly registry: string,
    /** Repository path below the registry (`library/busybox`). */
    readonly repository: string,
    /** `registry/repository`. */
    readonly name: string,
    readonly tag: string | null,
    readonly digest: string | null,
  ) {
    Object.freeze(this);
  }
}

const NULLABLE_STRING = 'dyn<string>';
const NULLABLE_TIMESTAMP = 'dyn<google.protobuf.Timestamp>';

/** CEL field types of `Signer`; `dyn<T>` means "a T or null". */
export const SIGNER_FIELDS = { commonName: NULLABLE_STRING, organization: NULLABLE_STRING, email: NULLABLE_STRING } as const;
/** CEL field types of `Issuer`. */
export const ISSUER_FIELDS = { commonName: NULLABLE_STRING, organization: NULLABLE_STRING } as const;
/** CEL field types of `Signature`. */
export const SIGNATURE_FIELDS = {
  name: 'string', type: 'string', format: 'string', trusted: 'bool', forImage: 'bool', reason: 'string', message: 'string',
  keyID: NULLABLE_STRING, fingerprint: NULLABLE_STRING, trustRoot: NULLABLE_STRING, signer: 'Signer', issuer: 'Issuer',
  identity: NULLABLE_STRING, digest: NULLABLE_STRING, creator: NULLABLE_STRING,
  created: NULLABLE_TIMESTAMP, timestamp: NULLABLE_TIMESTAMP, expired: 'bool', revoked: 'bool',
} as const;
/** CEL field types of `Reference`. */
export const REFERENCE_FIELDS = { registry: 'string', repository: 'string', name: 'string', tag: NULLABLE_STRING, digest: NULLABLE_STRING } as const;

/** The range of a CEL timestamp (the CEL spec): 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, in ms. */
const MIN_CEL_TIME = -62_135_596_800_000;
const MAX_CEL_TIME = 253_402_300_799_999;

/**
 * A signature time as a CEL timestamp, or null when it is none or beyond CEL's range: a payload may
 * sign any year a Date holds, and arithmetic on such a time would overflow to an invalid Date, which
 * compares false to everything instead of failing.
 */
function validDate(value: string | number | undefined): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  const time = date.getTime();
  return time >= MIN_CEL_TIME && time <= MAX_CEL_TIME ? date : null;
}

/** The CEL form of a parsed reference. */
export function celReferenceOf(ref: DockerReference): CelReference {
  return new CelReference(ref.domain, ref.path, ref.name, ref.tag ?? null, ref.digest ?? null);
}

/** `parseReference()` in CEL: throws (a CEL runtime error) when `text` is not a docker reference. */
export function parseCelReference(text: string): CelReference {
  const ref = parseReference(text);
  if (isReferenceProblem(ref)) throw new Error(`parseReference: ${ref.problem}`);
  return celReferenceOf(ref);
}

/** Bounds of `toCelValue`. */
export interface ConversionLimits {
  readonly maxValues: number;
  readonly maxListLength: number;
  readonly maxDepth: number;
}

/** The CEL form of a JSON value, or why it could not be converted. */
export type Converted = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/**
 * Converts plain JSON (as parsed from YAML or JSON) to CEL values: integral numbers become int
 * (bigint), other finite numbers double; objects become null-prototype maps (so no inherited key is
 * ever visible), arrays lists. Anything else (cycles, functions, non-finite numbers, over a bound)
 * is an error. Never throws.
 */
export function toCelValue(input: unknown, limits: ConversionLimits): Converted {
  let budget = limits.maxValues;
  const onPath = new Set<object>();
  const fail = (error: string): never => {
    throw new ConversionError(error);
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (--budget < 0) fail(`more than ${limits.maxValues} values`);
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'bigint':
        return value;
      case 'number':
        if (!Number.isFinite(value)) return fail('a number is not finite');
        return Number.isSafeInteger(value) ? BigInt(value) : value;
      case 'object': {
        if (value === null) return null;
        if (depth >= limits.maxDepth) return fail(`nested deeper than ${limits.maxDepth} levels`);
        if (onPath.has(value)) return fail('a value contains itself');
        onPath.add(value);
        let out: unknown;
        if (Array.isArray(value)) {
          if (value.length > limits.maxListLength) fail(`a list has more than ${limits.maxListLength} elements`);
          out = value.map((item: unknown) => (item === undefined ? null : walk(item, depth + 1)));
        } else {
          const proto: unknown = Object.getPrototypeOf(value);
          if (proto !== Object.prototype && proto !== null) fail('only plain objects, arrays and scalars can be converted');
          const keys = Object.keys(value);
          if (keys.length > limits.maxListLength) fail(`a map has more than ${limits.maxListLength} entries`);
          const map = Object.create(null) as Record<string, unknown>;
          for (const key of keys) {
            const member = (value as Record<string, unknown>)[key];
            if (member !== undefined) map[key] = walk(member, depth + 1);
          }
          out = map;
        }
        onPath.delete(value);
        return out;
      }
      case 'undefined':
      case 'function':
      case 'symbol':
        return fail(`a ${typeof value} value cannot be converted`);
    }
  };
  try {
    return { ok: true, value: input === undefined ? null : walk(input, 0) };
  } catch (error) {
    if (error instanceof ConversionError) return { ok: false, error: error.message };
    return { ok: false, error: 'the value could not be converted' };
  }
}

class ConversionError extends Error {}
