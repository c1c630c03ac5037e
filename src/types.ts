/**
 * Plain data shared by the stages. No logic. Shapes that mirror OpenShift's `image.openshift.io/v1`
 * keep OpenShift's field names verbatim.
 */
import type { ReasonCode } from './codes.js';

/** What a signature's signed payload says, once it verified and parsed strictly. */
export interface SignedClaims {
  readonly manifestDigest: string;
  readonly dockerReference: string;
  readonly creator?: string;
  /** Seconds since the epoch, as signed in `optional.timestamp`. */
  readonly timestamp?: number;
}

/** Who signed, known only once the signature verified cryptographically with a trusted key. */
export interface VerifiedSigner {
  /**
   * OpenPGP: primary key fingerprint (upper-case hex), the identity trust roots list. X.509: SHA-256
   * of the signer certificate's SubjectPublicKeyInfo (64 upper-case hex).
   */
  readonly fingerprint: string;
  /**
   * Key ID (16 upper-case hex) of the key that made the signature: a subkey's for subkey
   * signatures; for X.509 the last 16 hex digits of `fingerprint`.
   */
  readonly keyID: string;
  /** Name of the trust root that holds the key. */
  readonly trustRoot: string;
  /** From the key's primary user ID. */
  readonly commonName?: string;
  readonly organization?: string;
  readonly email?: string;
  /**
   * OpenPGP: the trust root's `spec.issuer`. X.509: the issuing CA's subject (the leaf's issuer
   * name), whatever `spec.issuer` says.
   */
  readonly issuer: { readonly commonName?: string; readonly organization?: string };
  /**
   * X.509 only: the verified path, signer certificate first, ending with the trust anchor; each
   * certificate's subject (RFC 4514, most specific attribute first) and serial number (upper-case hex).
   */
  readonly chain?: readonly { readonly subject: string; readonly serialNumber: string }[];
}

export type SignatureFormat = 'openpgp' | 'x509' | 'unknown';

/** The verifier's judgement of one `ImageSignature`. */
export interface SignatureVerdict {
  readonly index: number;
  readonly name: string;
  readonly type: string;
  readonly format: SignatureFormat;
  /** Steps 1-7 passed: a trusted key made this signature and the payload parsed. */
  readonly trusted: boolean;
  /** Steps 8-9 passed: the signature is about this Image (digest and identity). */
  readonly forImage: boolean;
  /** `Verified` when trusted and forImage, otherwise the first failing check. */
  readonly reason: ReasonCode;
  readonly message: string;
  /** The packet's issuer key ID: an untrusted hint unless `signer` is set. */
  readonly keyID?: string;
  /** Set only when the signature verified cryptographically with a key from a trust root. */
  readonly signer?: VerifiedSigner;
  /** Signature creation time (RFC 3339), set only with `signer`. */
  readonly created?: string;
  /** Set only when the payload was authenticated and parsed strictly. */
  readonly claims?: SignedClaims;
  /** The signature, or its key, had expired at the evaluation time. */
  readonly expired: boolean;
  /** The signing key (or subkey) is revoked. */
  readonly revoked: boolean;
}

export type Verdict = 'Trusted' | 'Untrusted' | 'Unsigned';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** OpenShift `SignatureCondition`. Times are RFC 3339 strings with second precision. */
export interface SignatureCondition {
  type: string;
  status: ConditionStatus;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

/** A JSON object as read from an Image document: untrusted, shape unknown. */
export type JsonObject = { [key: string]: unknown };
