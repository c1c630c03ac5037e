/**
 * Chain results cached per (signer identifier + carried certificates, trust material): a new
 * signature by a known signer then costs the CMS envelope, one hash and one signature check. The
 * trust material is immutable, so a cache hangs off it (weakly) and dies with it: a new trust
 * revision never sees an old chain.
 */
import { createHash } from 'node:crypto';
import type { TrustMaterial } from '../trust/material.js';
import { buildChain, type Chain, type ChainFailure } from './chain.js';
import type { UntrustedSignedData } from './cms.js';

/** Entries kept per trust material; the oldest goes first. */
export const CHAIN_CACHE_ENTRIES = 1000;

const caches = new WeakMap<TrustMaterial, Map<string, Chain | ChainFailure>>();

/** `buildChain`, memoized. Never throws. */
export function cachedChain(signed: UntrustedSignedData, trust: TrustMaterial): Chain | ChainFailure {
  let cache = caches.get(trust);
  if (!cache) {
    cache = new Map();
    caches.set(trust, cache);
  }
  // Both parts are complete DER elements, so their concatenation cannot be ambiguous.
  const key = createHash('sha256').update(signed.signer.sidBytes).update(signed.certificateSet).digest('base64');
  const hit = cache.get(key);
  if (hit) return hit;
  const result = buildChain(signed.certificates, signed.signer.sid, trust);
  if (cache.size >= CHAIN_CACHE_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, result);
  return result;
}
