/**
 * `imagetrust sign` without I/O: check the Image and the identity, write the payload, have the
 * signer sign it, and return a new Image with one more `ImageSignature` (name
 * `<digest>@<32 random hex>` as containers/image names them). Existing signatures are never touched.
 */
import { ConfigError } from '../codes.js';
import { isNameOnly, isReferenceProblem, parseReference } from '../identity/reference.js';
import { isImageProblems, parseImage } from '../image/parse.js';
import type { JsonObject } from '../types.js';
import { simpleSigningPayload } from './payload.js';
import type { ImageSigner } from './signer.js';

export interface SignImageOptions {
  /** The identity to sign: a docker reference; a name-only one means its `latest` tag. */
  readonly identity: string;
  readonly signer: ImageSigner;
  /** `optional.creator`. */
  readonly creator: string;
  /** The signing time (also `optional.timestamp`). */
  readonly now: Date;
  /** `n` random bytes (the signature name). */
  readonly random: (n: number) => Uint8Array;
}

export interface SignedImage {
  /** A new Image: the input with the signature appended. */
  readonly image: JsonObject;
  /** The new `ImageSignature`. */
  readonly signature: { readonly metadata: { readonly name: string }; readonly type: string; readonly content: string };
  /** The signed `docker-reference`, normalized. */
  readonly identity: string;
}

/** Throws ConfigError when the document is not a signable Image or the identity is not a reference. */
export async function signImage(untrustedImage: unknown, options: SignImageOptions): Promise<SignedImage> {
  const parsed = parseImage(untrustedImage);
  if (isImageProblems(parsed)) {
    throw new ConfigError(`not an Image: ${parsed.problems.map((p) => `${p.path || '.'}: ${p.message}`).join('; ')}`);
  }
  if (!parsed.manifestDigest.ok) throw new ConfigError(`refusing to sign: ${parsed.manifestDigest.problem}`);
  const ref = parseReference(options.identity);
  if (isReferenceProblem(ref)) throw new ConfigError(`--identity ${JSON.stringify(options.identity)} is not a valid image reference: ${ref.problem}`);
  const identity = isNameOnly(ref) ? `${ref.canonical}:latest` : ref.canonical;
  const payload = simpleSigningPayload({
    dockerReference: identity,
    manifestDigest: parsed.manifestDigest.digest,
    creator: options.creator,
    timestamp: Math.floor(options.now.getTime() / 1000),
  });
  const blob = await options.signer.sign(payload, options.now);
  const signature = {
    metadata: { name: `${parsed.name}@${Buffer.from(options.random(16)).toString('hex')}` },
    type: options.signer.type,
    content: Buffer.from(blob).toString('base64'),
  };
  const input = untrustedImage as JsonObject;
  const existing = Array.isArray(input['signatures']) ? (input['signatures'] as unknown[]) : [];
  return { image: { ...input, signatures: [...existing, signature] }, signature, identity };
}
