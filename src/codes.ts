/**
 * The closed set of reason codes (contract section 5). Policies, conditions and tests match on
 * these; renaming one is a breaking change. `Verified` is the only success code.
 */
export const REASON_CODES = [
  'Verified',
  'MalformedSignature',
  'UnsupportedSignatureType',
  'TooLarge',
  'MultipleSignatures',
  'UnknownKey',
  'BadSignature',
  'WeakAlgorithm',
  'KeyExpired',
  'SignatureExpired',
  'NotYetValid',
  'KeyRevoked',
  'UntrustedCertificate',
  'InvalidPayload',
  'DigestMismatch',
  'IdentityMismatch',
  'Indeterminate',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
export type FailureCode = Exclude<ReasonCode, 'Verified'>;

const FAILURE = Symbol.for('imagetrust/failure');

/** Why a signature was not accepted: plain frozen data, cheap to make, safe to show. */
export interface Failure {
  readonly [FAILURE]: true;
  readonly code: FailureCode;
  /** One line for people: what was expected and what was found. Never library text. */
  readonly message: string;
}

export function fail(code: FailureCode, message: string): Failure {
  return Object.freeze({ [FAILURE]: true as const, code, message: oneLine(message) });
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { [FAILURE]?: unknown })[FAILURE] === true;
}

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}

/** Thrown only for invalid configuration (trust roots, identity rules, options): never for bad input. */
export class ConfigError extends Error {
  readonly code = 'ConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message), options);
    this.name = 'ConfigError';
  }
}

const MAX_MESSAGE = 512;

/** Messages may quote attacker-controlled text: keep them to one bounded line. */
export function oneLine(text: string): string {
  // Nearly every message is already one short line: that is checked without a regular expression.
  if (text.length <= MAX_MESSAGE && !hasControlCharacter(text)) return text;
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Quote untrusted text for a message: JSON quoting, shortened. */
export function quote(text: string, max = 128): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
