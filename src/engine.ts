/**
 * The engine: parse → trust → claims → conditions for one Image, with the trust material, the clock
 * and the verification cache passed in. `verifyImage` never throws for bad input; only
 * `createEngine` throws, for bad configuration.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ConfigError } from './codes.js';
import { applyVerdicts } from './conditions.js';
import { parseImage, type ImageProblem, type UntrustedSignature } from './image/parse.js';
import { DEFAULT_IDENTITY_RULE, matchIdentity, parseIdentityRule, type IdentityMatch, type IdentityRule } from './identity/rules.js';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './pgp/message.js';
import { loadTrust, type TrustMaterial, type TrustRootSpec } from './trust/material.js';
import type { JsonObject, SignatureFormat, SignatureVerdict, Verdict } from './types.js';
import { authenticateBlob } from './verify/authenticate.js';
import type { Authenticated, Rejected } from './verify/authenticated.js';
import { verifySignature, type ImageFacts } from './verify/signature.js';

export interface EngineOptions {
  /** Trust material from `loadTrust`, or trust root specs to load. */
  readonly trust: TrustMaterial | readonly TrustRootSpec[];
  /** A containers policy.json `signedIdentity` rule; default `matchRepoDigestOrExact`. */
  readonly identityRule?: IdentityRule | string | Readonly<Record<string, unknown>>;
  /** The evaluation time when a call gives no `at`. */
  readonly clock: () => Date;
  /** Cache of signature authentication results; `false` turns it off. */
  readonly cache?: false | { readonly max?: number };
  readonly limits?: Partial<MessageLimits>;
}

export interface VerifyOptions {
  /** The identity signatures must match; default: the Image's `dockerImageReference`. */
  readonly expectedIdentity?: string;
  /** Evaluation time; default: the engine's clock. */
  readonly at?: Date;
}

export interface VerifyResult {
  /** `Trusted`: at least one signature is trusted and for this image. */
  readonly verdict: Verdict;
  readonly signatures: readonly SignatureVerdict[];
  /** A new Image with conditions written (the input is never mutated); null when the input is not an Image. */
  readonly image: JsonObject | null;
  /** Whether `image` differs from the input in anything but `lastProbeTime`. */
  readonly changed: boolean;
  /** Why the input is not an Image at all (then `verdict` is `Untrusted` and nothing else is set). */
  readonly problems: readonly ImageProblem[];
}

export interface Engine {
  /** Never throws: every failure is a reason code in `signatures`, or a problem in `problems`. */
  verifyImage(untrustedImage: unknown, options?: VerifyOptions): VerifyResult;
  readonly trust: TrustMaterial;
}


/** Throws ConfigError for invalid trust roots, identity rules or limits. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const trust = isTrustMaterial(options.trust) ? options.trust : await loadTrust(options.trust);
  const identityRule = options.identityRule === undefined ? DEFAULT_IDENTITY_RULE : parseIdentityRule(options.identityRule);
  const limits = { ...DEFAULT_MESSAGE_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`limit ${name} must be a positive integer`);
  }
  const clock = options.clock;
  if (typeof clock !== 'function') throw new ConfigError('createEngine needs a clock');
  const cache = options.cache === false ? null : new LRUCache<string, Authenticated | Rejected>({ max: options.cache?.max ?? 10_000 });

  // Whether the blob being verified came from the cache: `verifySignature` authenticates a signature
  // before it matches its identity, synchronously, so this always describes the signature being matched.
  let seenBefore = false;
  const authenticateCached = (format: SignatureFormat, content: Uint8Array, cacheKey: string): Authenticated | Rejected => {
    const hit = cache?.get(cacheKey);
    seenBefore = hit !== undefined;
    if (hit) return hit;
    const result = authenticateBlob(format, content, trust, limits);
    cache?.set(cacheKey, result);
    return result;
  };

  // Pure in (expected, signed) for this engine's rule; bounded because both strings come from input.
  // Only signatures seen before are memoized: Images verified again (admission) reuse their match,
  // while a run over new blobs (an audit) neither looks up nor keeps an entry per Image.
  const identityMemo = new LRUCache<string, IdentityMatch>({ max: 10_000 });
  const matchUnderRule = (expected: string, signed: string): IdentityMatch => {
    if (!seenBefore) return matchIdentity(identityRule, expected, signed);
    // Length-prefixed: an expected identity may contain any character (exactReference is not parsed).
    const key = `${expected.length}:${expected}${signed}`;
    let match = identityMemo.get(key);
    if (match === undefined) {
      match = matchIdentity(identityRule, expected, signed);
      identityMemo.set(key, match);
    }
    return match;
  };

  function verifyImage(untrustedImage: unknown, verifyOptions?: VerifyOptions | null): VerifyResult {
    // Options come from callers that may not be typed: anything unusable fails closed below.
    const options: Partial<VerifyOptions> = typeof verifyOptions === 'object' && verifyOptions !== null ? verifyOptions : {};
    const candidate: unknown = options.at === undefined ? clock() : options.at;
    const at = candidate instanceof Date ? candidate : new Date(NaN);
    const parsed = parseImage(untrustedImage, { maxContentBytes: limits.maxBlobBytes });
    if ('problems' in parsed) return { verdict: 'Untrusted', signatures: [], image: null, changed: false, problems: parsed.problems };
    const facts: ImageFacts = {
      digest: parsed.manifestDigest,
      expectedIdentity: typeof options.expectedIdentity === 'string' ? options.expectedIdentity : parsed.dockerImageReference,
      matchIdentity: matchUnderRule,
    };
    const seconds = Math.floor(at.getTime() / 1000);
    // An unusable evaluation time must not slip through the time comparisons as NaN.
    if (!Number.isFinite(seconds)) return indeterminate(parsed.signatures, 'the evaluation time is not a valid date');
    const verdicts = parsed.signatures.map((sig) => {
      const cacheKey = sig.content && cache ? `${trust.revision}:${sig.type}:${hash('sha256', sig.content, 'base64')}` : '';
      return verifySignature(sig, facts, seconds, authenticateCached, cacheKey);
    });
    return withConditions(verdictOf(verdicts), verdicts, untrustedImage as JsonObject, at);
  }

  return { verifyImage, trust };
}

function indeterminate(signatures: readonly UntrustedSignature[], message: string): VerifyResult {
  const verdicts = signatures.map((sig): SignatureVerdict => ({
    index: sig.index, name: sig.name, type: sig.type, format: 'unknown', trusted: false, forImage: false,
    reason: 'Indeterminate', message, expired: false, revoked: false,
  }));
  return { verdict: verdictOf(verdicts) === 'Unsigned' ? 'Unsigned' : 'Untrusted', signatures: verdicts, image: null, changed: false, problems: [] };
}

/**
 * The conditions are written only when a caller reads `image` or `changed`: admission needs only the
 * verdicts, and writing conditions costs about as much as a cached verification.
 */
function withConditions(verdict: Verdict, signatures: readonly SignatureVerdict[], input: JsonObject, at: Date): VerifyResult {
  let applied: ReturnType<typeof applyVerdicts> | undefined;
  const conditions = (): ReturnType<typeof applyVerdicts> => (applied ??= applyVerdicts(input, signatures, at));
  return {
    verdict,
    signatures,
    problems: [],
    get image() {
      return conditions().image;
    },
    get changed() {
      return conditions().changed;
    },
  };
}

function verdictOf(verdicts: readonly SignatureVerdict[]): Verdict {
  if (verdicts.length === 0) return 'Unsigned';
  return verdicts.some((v) => v.trusted && v.forImage) ? 'Trusted' : 'Untrusted';
}

function isTrustMaterial(value: TrustMaterial | readonly TrustRootSpec[]): value is TrustMaterial {
  return !Array.isArray(value) && typeof (value as TrustMaterial).revision === 'string';
}
