/**
 * Decision cache keys. A decision depends on the Image name and its signature contents, but also on
 * everything else policies and the identity check read (`dockerImageReference`, labels, the
 * manifest), on the trust and policy revisions, and on the admission context policies see. The key
 * is a SHA-256 over all of them, length-prefixed, so that no two different inputs share a key and a
 * key rotation or policy change is never served an old answer. The admission context is left out
 * when no policy reads `request` (then one decision serves every namespace and container).
 */
import { createHash } from 'node:crypto';
import type { JudgeContext } from './judge.js';

/** The key, or null when the Image cannot be serialised (then the decision is not cached). Never throws. */
export function decisionKey(untrustedImage: unknown, context: JudgeContext, revisions: { readonly trust: string; readonly policy: string }, withRequest: boolean): string | null {
  const document = documentHash(untrustedImage);
  if (document === null) return null;
  const name = imageName(untrustedImage);
  const hash = createHash('sha256');
  for (const part of [name, document, revisions.trust, revisions.policy, context.unmatched, context.synthetic ? 'synthetic' : 'resolved', withRequest ? JSON.stringify(context.request) : '']) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return `${name}@${hash.digest('base64url')}`;
}

/**
 * SHA-256 of the Image document as JSON (signature contents included). Not memoised by object: a
 * caller may change an object between reviews, and a stale hash would be a stale decision.
 */
function documentHash(untrustedImage: unknown): string | null {
  let json: string | undefined;
  try {
    json = JSON.stringify(untrustedImage);
  } catch {
    return null;
  }
  if (json === undefined) return null;
  return createHash('sha256').update(json).digest('base64url');
}

function imageName(untrustedImage: unknown): string {
  const metadata = typeof untrustedImage === 'object' && untrustedImage !== null ? (untrustedImage as { metadata?: unknown }).metadata : undefined;
  const name = typeof metadata === 'object' && metadata !== null ? (metadata as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name.slice(0, 80) : '';
}
