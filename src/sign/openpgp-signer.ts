/** OpenPGP signing for `imagetrust sign`: the `atomic` signature gpg (and skopeo) would make. */
import { readOpenPgpSigner } from '../trust/openpgp.js';
import type { ImageSigner } from './signer.js';

/**
 * A signer from one OpenPGP secret key's bytes (armored or binary), unlocked with `passphrase` when
 * protected. Rejects with ConfigError naming `source`; never quotes key material.
 */
export async function createOpenPgpSigner(key: { readonly data: Uint8Array; readonly source: string }, passphrase?: string): Promise<ImageSigner> {
  const signer = await readOpenPgpSigner(key.data, passphrase, key.source);
  return { type: 'atomic', description: signer.fingerprint, sign: (payload, date) => signer.sign(payload, date) };
}
