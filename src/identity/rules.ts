/**
 * The six containers policy.json `signedIdentity` rules (formats.md 3.7), with the semantics of
 * containers/image `signature/policy_reference_match.go` and the validation of its constructors.
 */
import { ConfigError, quote } from '../codes.js';
import type { DockerReference, ReferenceProblem } from './reference.js';
import {
  ANCHORED_DOMAIN,
  ANCHORED_NAME_PATTERN,
  DOMAIN_PREFIX,
  isNameOnly,
  isReferenceProblem,
  parseCanonicalReference,
  parseReference,
} from './reference.js';

/** The six policy.json `signedIdentity` type names. */
export const IDENTITY_RULE_TYPES = [
  'matchExact', 'matchRepoDigestOrExact', 'matchRepository', 'exactReference', 'exactRepository', 'remapIdentity',
] as const;

export type IdentityRuleType = (typeof IDENTITY_RULE_TYPES)[number];

/** A validated `signedIdentity` rule; members as in policy.json. */
export type IdentityRule =
  | { readonly type: 'matchExact' }
  | { readonly type: 'matchRepoDigestOrExact' }
  | { readonly type: 'matchRepository' }
  | { readonly type: 'exactReference'; readonly dockerReference: string }
  | { readonly type: 'exactRepository'; readonly dockerRepository: string }
  | { readonly type: 'remapIdentity'; readonly prefix: string; readonly signedPrefix: string };

/** Result of `matchIdentity`: a mismatch carries one line saying what was expected and signed. */
export type IdentityMatch = { readonly match: true } | { readonly match: false; readonly message: string };

/** containers/image's default `signedIdentity`. */
export const DEFAULT_IDENTITY_RULE: IdentityRule = Object.freeze({ type: 'matchRepoDigestOrExact' });

/** Members each rule type takes besides `type`. */
const MEMBERS: Readonly<Record<IdentityRuleType, readonly string[]>> = {
  matchExact: [], matchRepoDigestOrExact: [], matchRepository: [],
  exactReference: ['dockerReference'], exactRepository: ['dockerRepository'], remapIdentity: ['prefix', 'signedPrefix'],
};

function isRuleType(value: string): value is IdentityRuleType {
  return (IDENTITY_RULE_TYPES as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Upstream `validateIdentityRemappingPrefix`: `host[:port]`, or a name that starts with `host[:port]/`. */
function checkRemapPrefix(value: string): void {
  if (ANCHORED_DOMAIN.test(value) || (ANCHORED_NAME_PATTERN.test(value) && DOMAIN_PREFIX.test(value))) return;
  throw new ConfigError(`Identity rule remapIdentity: prefix ${quote(value)} is not valid`);
}

/** Reads the string members of a rule object; strict about unknown, missing and non-string members. */
function readMembers(type: IdentityRuleType, object: Record<string, unknown>): Record<string, string> {
  const wanted = MEMBERS[type];
  const out: Record<string, string> = {};
  const unknown = Object.keys(object).find((key) => key !== 'type' && !wanted.includes(key));
  if (unknown !== undefined) throw new ConfigError(`Identity rule ${type}: unknown key ${quote(unknown)}`);
  for (const key of wanted) {
    if (!Object.hasOwn(object, key)) throw new ConfigError(`Identity rule ${type}: key ${quote(key)} missing`);
    const member = object[key];
    if (typeof member !== 'string') throw new ConfigError(`Identity rule ${type}: key ${quote(key)} must be a string`);
    out[key] = member;
  }
  return out;
}

/**
 * Validates a `signedIdentity` value (an object as in policy.json, or the bare name of a rule that
 * takes no members) as containers/image's constructors do. Throws ConfigError when the type is
 * unknown, a member is unknown, missing or not a string, or a reference/prefix is invalid.
 * Duplicate members must be refused by the JSON/YAML reader: a parsed object cannot hold them.
 */
export function parseIdentityRule(value: unknown): IdentityRule {
  let type: unknown;
  let object: Record<string, unknown>;
  if (typeof value === 'string') {
    type = value;
    object = { type: value };
  } else if (isPlainObject(value)) {
    if (!Object.hasOwn(value, 'type')) throw new ConfigError('Identity rule: key "type" missing');
    type = value['type'];
    object = value;
  } else {
    throw new ConfigError('Identity rule must be an object or the name of a rule');
  }
  if (typeof type !== 'string') throw new ConfigError('Identity rule: key "type" must be a string');
  if (!isRuleType(type)) throw new ConfigError(`Unknown policy reference match type ${quote(type)}`);
  if (typeof value === 'string' && MEMBERS[type].length > 0) {
    throw new ConfigError(`Identity rule ${type} needs ${MEMBERS[type].join(' and ')}: use an object`);
  }
  const m = readMembers(type, object);
  switch (type) {
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      return Object.freeze({ type });
    case 'exactReference': {
      const dockerReference = m['dockerReference'] ?? '';
      const ref = parseReference(dockerReference);
      if (isReferenceProblem(ref)) {
        throw new ConfigError(`Invalid format of dockerReference ${quote(dockerReference)}: ${ref.problem}`);
      }
      if (isNameOnly(ref)) {
        throw new ConfigError(`dockerReference ${quote(dockerReference)} contains neither a tag nor digest`);
      }
      return Object.freeze({ type, dockerReference });
    }
    case 'exactRepository': {
      const dockerRepository = m['dockerRepository'] ?? '';
      const ref = parseReference(dockerRepository);
      if (isReferenceProblem(ref)) {
        throw new ConfigError(`Invalid format of dockerRepository ${quote(dockerRepository)}: ${ref.problem}`);
      }
      return Object.freeze({ type, dockerRepository });
    }
    case 'remapIdentity': {
      const prefix = m['prefix'] ?? '';
      const signedPrefix = m['signedPrefix'] ?? '';
      checkRemapPrefix(prefix);
      checkRemapPrefix(signedPrefix);
      return Object.freeze({ type, prefix, signedPrefix });
    }
  }
}

/** Whether `ref`'s NAME (tag and digest ignored) is `prefix` or lies below `prefix/`. Never throws. */
export function refMatchesPrefix(prefix: string, ref: DockerReference): boolean {
  const name = ref.name;
  return name === prefix || (name.startsWith(prefix) && name[prefix.length] === '/');
}

/**
 * remapIdentity's rewrite: when `ref` matches `prefix`, replace that prefix of its canonical string
 * by `signedPrefix` and re-parse, requiring canonical form; otherwise `ref` itself. Never throws.
 */
export function remapReference(prefix: string, signedPrefix: string, ref: DockerReference): DockerReference | ReferenceProblem {
  if (!refMatchesPrefix(prefix, ref)) return ref;
  const rewritten = signedPrefix + ref.canonical.slice(prefix.length);
  const parsed = parseCanonicalReference(rewritten);
  if (!isReferenceProblem(parsed)) return parsed;
  return { problem: `rewriting ${quote(ref.canonical)} to ${quote(rewritten)}: ${parsed.problem}` };
}

type Side = DockerReference | { readonly bad: string };

/** `quote`, tolerating a member of a malformed rule object that is not a string. */
const safeQuote = (value: unknown): string => (typeof value === 'string' ? quote(value) : '(not a string)');

function parseSide(input: string, what: (q: string) => string): Side {
  const ref = parseReference(input);
  if (!isReferenceProblem(ref)) return ref;
  return { bad: `${what(safeQuote(input))}: ${ref.problem}` };
}

const MATCH: IdentityMatch = Object.freeze({ match: true });
const NO_TAG = 'has neither a tag nor a digest';

function noMatch(message: string): IdentityMatch {
  return Object.freeze({ match: false, message });
}

function differs(signed: DockerReference, expected: string, label: string, why?: string): IdentityMatch {
  const tail = why === undefined ? '' : `: ${why}`;
  return noMatch(`signed identity ${quote(signed.canonical)} does not match expected ${expected} (${label}${tail})`);
}

/** Both must carry a tag or digest and be equal once normalized (matchExact, exactReference). */
function exact(label: string, intended: DockerReference, signed: DockerReference, side: string): IdentityMatch {
  const expected = quote(intended.canonical);
  if (isNameOnly(intended)) return differs(signed, expected, label, `the ${side} ${NO_TAG}`);
  if (isNameOnly(signed)) return differs(signed, expected, label, `the signed identity ${NO_TAG}`);
  return signed.canonical === intended.canonical ? MATCH : differs(signed, expected, label);
}

/** Only the repositories (normalized names) must be equal. */
function sameRepository(label: string, intended: DockerReference, signed: DockerReference): IdentityMatch {
  return signed.name === intended.name ? MATCH : differs(signed, `repository ${quote(intended.name)}`, label);
}

/** containers/image `matchRepoDigestOrExactReferenceValues`. */
function repoDigestOrExact(label: string, intended: DockerReference, signed: DockerReference): IdentityMatch {
  if (isNameOnly(signed)) return differs(signed, quote(intended.canonical), label, `the signed identity ${NO_TAG}`);
  if (intended.tag !== undefined) {
    return signed.canonical === intended.canonical ? MATCH : differs(signed, quote(intended.canonical), label);
  }
  if (intended.digest !== undefined) return sameRepository(label, intended, signed);
  return differs(signed, quote(intended.canonical), label, `the image identity ${NO_TAG}`);
}

/**
 * Does the signature's `docker-reference` satisfy `rule` for an image whose identity is
 * `imageIdentity` (its dockerImageReference or the caller's expected identity)? Both sides are
 * normalized; a reference that does not parse never matches. Never throws.
 */
export function matchIdentity(rule: IdentityRule, imageIdentity: string, signedReference: string): IdentityMatch {
  if (typeof rule !== 'object' || rule === null) return noMatch('Identity rule is not an object');
  const signed = parseSide(signedReference, (q) => `invalid docker reference ${q} in signature`);
  let intended: Side;
  switch (rule.type) {
    case 'exactReference':
      intended = parseSide(rule.dockerReference, (q) => `invalid dockerReference ${q} in identity rule`);
      break;
    case 'exactRepository':
      intended = parseSide(rule.dockerRepository, (q) => `invalid dockerRepository ${q} in identity rule`);
      break;
    case 'remapIdentity':
      if (typeof rule.prefix !== 'string' || typeof rule.signedPrefix !== 'string') {
        return noMatch('Identity rule remapIdentity needs a string prefix and signedPrefix');
      }
      intended = parseSide(imageIdentity, (q) => `Invalid image identity ${q}`);
      break;
    case 'matchExact':
    case 'matchRepoDigestOrExact':
    case 'matchRepository':
      intended = parseSide(imageIdentity, (q) => `Invalid image identity ${q}`);
      break;
    default:
      return noMatch(`Unknown identity rule type ${quote(String((rule as { type: unknown }).type))}`);
  }
  if ('bad' in intended) return noMatch(intended.bad);
  if ('bad' in signed) return noMatch(signed.bad);
  switch (rule.type) {
    case 'matchExact':
      return exact(rule.type, intended, signed, 'image identity');
    case 'exactReference':
      return exact(rule.type, intended, signed, "rule's dockerReference");
    case 'matchRepository':
    case 'exactRepository':
      return sameRepository(rule.type, intended, signed);
    case 'matchRepoDigestOrExact':
      return repoDigestOrExact(rule.type, intended, signed);
    case 'remapIdentity': {
      const remapped = remapReference(rule.prefix, rule.signedPrefix, intended);
      const how = `remapIdentity ${quote(rule.prefix)} to ${quote(rule.signedPrefix)}`;
      if (isReferenceProblem(remapped)) return noMatch(`Image identity cannot be remapped (${how}): ${remapped.problem}`);
      const label = remapped === intended ? `${how}, prefix not matched` : `${how}, image identity ${quote(intended.canonical)} remapped`;
      return repoDigestOrExact(label, remapped, signed);
    }
  }
}
