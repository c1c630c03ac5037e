/**
 * Steps 1-6 of contract section 3 for one `x509` blob: the CMS grammar and bounds, the signer's
 * chain to a trust root's CA (cached per signer and trust revision), the signed attributes, the
 * signature over them or over the content (node:crypto), algorithm strength per trust root. What
 * depends on the evaluation time (validity windows, signing time) is `judge`.
 *
 * `created` is the CMS signing-time attribute when signed; without it, the payload's own
 * `optional.timestamp` (signed as well); without both, the signer certificate's notBefore (the
 * earliest time the signature can have been made). The first two are the signing time `judge`
 * checks, as OpenPGP's creation time is: a signature made after the evaluation time, or before its
 * certificate was valid, is `NotYetValid`, whichever of the two signed times it carries. Under
 * `keyValidity: signingTime` only the CMS attribute moves the time the certificates are judged at.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { fail, isFailure, type Failure } from '../codes.js';
import { parsePayload } from '../claims/payload.js';
import type { MessageLimits } from '../pgp/message.js';
import type { TrustMaterial, TrustRoot } from '../trust/material.js';
import type { VerifiedSigner } from '../types.js';
import type { Authenticated, Judgement, Rejected } from '../verify/authenticated.js';
import { iso } from '../verify/validity.js';
import { hashWeakness, keyProblem, keyWeakness, signatureScheme, verifyWith, type Weakness } from './algorithms.js';
import type { Chain } from './chain.js';
import { cachedChain } from './chain-cache.js';
import { parseSignedData } from './cms.js';
import { judgeChain } from './judge.js';

/** Steps 1-5 for an X.509 (CMS) blob, with step 6 as `judge`. Never throws. */
export function authenticateX509(blob: Uint8Array, trust: TrustMaterial, limits: MessageLimits): Authenticated | Rejected {
  const signed = parseSignedData(blob, limits);
  if (isFailure(signed)) return { failure: signed };
  const { signer } = signed;
  const chain = cachedChain(signed, trust);
  if (!('leaf' in chain)) return chain;
  const { leaf } = chain;
  const reject = (failure: Failure): Rejected => ({ failure, keyIDHint: leaf.fingerprint.slice(-16) });

  const scheme = signatureScheme(signer.signatureAlgorithm.oid, signer.signatureAlgorithm.params, signer.digest);
  if (typeof scheme === 'string') return reject(fail('MalformedSignature', scheme));
  const keyIssue = keyProblem(leaf.publicKey, scheme);
  if (keyIssue) return reject(fail('BadSignature', `signer certificate ${leaf.subject.text}: ${keyIssue}`));
  const attributes = signer.signedAttributes;
  if (attributes) {
    const digest = createHash(signer.digest).update(signed.untrustedPayload).digest();
    if (digest.length !== attributes.messageDigest.length || !timingSafeEqual(digest, attributes.messageDigest)) {
      return reject(fail('BadSignature', 'the signed message-digest attribute does not match the payload'));
    }
  }
  if (!verifyWith(leaf.publicKey, scheme, attributes?.der ?? signed.untrustedPayload, signer.signature)) {
    return reject(fail('BadSignature', `signature does not verify with the key of ${leaf.subject.text} (${leaf.fingerprint})`));
  }
  const weaknesses = [
    ...chain.weaknesses,
    hashWeakness(scheme.hash, 'the data signature'),
    attributes ? hashWeakness(signer.digest, 'the message digest') : null,
    keyWeakness(leaf.publicKey, `the signer's key (${leaf.subject.text})`),
  ].filter((w): w is Weakness => w !== null);
  const holders = rootsOf(chain).filter((root) => weaknesses.every((w) => w.allowedBy !== null && root.allowWeakAlgorithms.has(w.allowedBy)));
  if (holders.length === 0) {
    const blocking = weaknesses.find((w) => w.allowedBy === null) ?? weaknesses[0];
    return reject(fail('WeakAlgorithm', blocking?.what ?? 'weak algorithm'));
  }
  // Only now, with the bytes authenticated, is the payload parsed (strictly: a trusted key can sign junk).
  const claims = parsePayload(signed.untrustedPayload);
  const signingTime = attributes?.signingTime ?? (isFailure(claims) ? undefined : claims.timestamp);
  const created = signingTime ?? leaf.notBefore;
  const forIdentity = isFailure(claims) ? '' : ` for ${claims.dockerReference}`;
  const reported = holders.map((root) => {
    const signer = toSigner(chain, root);
    return { root, signer, verifiedMessage: `signed by ${signer.fingerprint} (${root.name}): ${leaf.subject.text}, issued by ${leaf.issuer.text}${forIdentity}` };
  });
  return {
    format: 'x509',
    created: iso(created),
    claims,
    judge: (at) => judge(chain, reported, trust, signingTime, attributes?.signingTime, at),
  };
}

interface Holder {
  readonly root: TrustRoot;
  readonly signer: VerifiedSigner;
  readonly verifiedMessage: string;
}

/** Judged under each trust root that anchors the chain, in trust order; the first that accepts it is reported. */
function judge(chain: Chain, holders: readonly Holder[], trust: TrustMaterial, signingTime: number | undefined, attributeTime: number | undefined, at: number): Judgement {
  let first: Judgement | undefined;
  for (const { root, signer, verifiedMessage } of holders) {
    const validity = judgeChain(chain, root, trust, signingTime, attributeTime, at);
    const judgement: Judgement = { ...validity, signer, verifiedMessage };
    if (validity.failure === null) return judgement;
    first ??= judgement;
  }
  // authenticateX509 never passes an empty holder list.
  return first as Judgement;
}

/** The distinct trust roots whose anchors end the chain, in trust order. */
function rootsOf(chain: Chain): TrustRoot[] {
  const roots: TrustRoot[] = [];
  for (const anchor of chain.anchors) if (!roots.includes(anchor.root)) roots.push(anchor.root);
  return roots;
}

/** Signers are frozen facts of (chain, root): made once, as the chains themselves are cached. */
const signers = new WeakMap<Chain, Map<TrustRoot, VerifiedSigner>>();

function toSigner(chain: Chain, root: TrustRoot): VerifiedSigner {
  let byRoot = signers.get(chain);
  if (!byRoot) {
    byRoot = new Map();
    signers.set(chain, byRoot);
  }
  let signer = byRoot.get(root);
  if (!signer) {
    signer = makeSigner(chain, root);
    byRoot.set(root, signer);
  }
  return signer;
}

function makeSigner(chain: Chain, root: TrustRoot): VerifiedSigner {
  const { leaf } = chain;
  const anchor = chain.anchors.find((a) => a.root === root)?.cert;
  const path = [leaf, ...chain.intermediates, ...(anchor ? [anchor] : [])];
  return Object.freeze({
    fingerprint: leaf.fingerprint,
    keyID: leaf.fingerprint.slice(-16),
    trustRoot: root.name,
    ...(leaf.subject.commonName !== undefined ? { commonName: leaf.subject.commonName } : {}),
    ...(leaf.subject.organization !== undefined ? { organization: leaf.subject.organization } : {}),
    ...(leaf.subject.email !== undefined ? { email: leaf.subject.email } : {}),
    issuer: Object.freeze({
      ...(leaf.issuer.commonName !== undefined ? { commonName: leaf.issuer.commonName } : {}),
      ...(leaf.issuer.organization !== undefined ? { organization: leaf.issuer.organization } : {}),
    }),
    chain: Object.freeze(path.map((cert) => Object.freeze({ subject: cert.subject.text, serialNumber: cert.serialNumber }))),
  });
}
