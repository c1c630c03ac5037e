/** What `imagetrust sign` needs from a signing key, whatever its format. */
export interface ImageSigner {
  /** The `ImageSignature.type` written: `atomic` (OpenPGP) or `x509` (CMS). */
  readonly type: 'atomic' | 'x509';
  /** Who signs, for messages: a fingerprint and, for X.509, the certificate subject. */
  readonly description: string;
  /** The signature blob over `payload`, made at `date`. Rejects with ConfigError when the key cannot sign. */
  sign(payload: Uint8Array, date: Date): Promise<Uint8Array>;
}
