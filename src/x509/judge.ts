/**
 * Step 6 for an X.509 signature: the certificates' validity windows and local revocations at the
 * evaluation time (or, under a trust root's `keyValidity: signingTime`, at the CMS signing time).
 * A signer certificate outside its window is `KeyExpired` / `NotYetValid`; an intermediate or CA
 * certificate outside its window is `UntrustedCertificate`. Pure; never throws.
 */
import { fail, type Failure } from '../codes.js';
import type { TrustMaterial, TrustRoot } from '../trust/material.js';
import { CLOCK_SKEW_SECONDS, iso } from '../verify/validity.js';
import type { Certificate } from './certificate.js';
import type { Chain } from './chain.js';

export interface X509Validity {
  readonly failure: Failure | null;
  /** Some certificate of the path had expired at `at`. */
  readonly expired: boolean;
  /** Some certificate key of the path is listed in a trust root's `revokedKeys`. */
  readonly revoked: boolean;
}

/**
 * Validity of `chain` under `root` at `at` (seconds). `signingTime` is when the signature says it
 * was made: the signed CMS attribute, or without it the signed payload's timestamp; either must lie
 * within the leaf's life and not after `at`. Only the CMS attribute (`attributeTime`) moves the
 * judging time under `keyValidity: signingTime`, as before the payload's timestamp was checked.
 */
export function judgeChain(chain: Chain, root: TrustRoot, trust: TrustMaterial, signingTime: number | undefined, attributeTime: number | undefined, at: number): X509Validity {
  const anchors = chain.anchors.filter((a) => a.root === root).map((a) => a.cert);
  const path = [chain.leaf, ...chain.intermediates];
  const revokedCert = [...path, ...anchors].find((cert) => locallyRevoked(cert, trust));
  const expired = path.some((cert) => cert.notAfter < at) || anchors.every((cert) => cert.notAfter < at);
  const result = (failure: Failure | null): X509Validity => ({ failure, expired, revoked: revokedCert !== undefined });
  if (revokedCert) return result(fail('KeyRevoked', `certificate key ${revokedCert.fingerprint} (${revokedCert.subject.text}) is revoked by a trust root's revokedKeys`));
  const { leaf } = chain;
  if (signingTime !== undefined) {
    if (signingTime > at + CLOCK_SKEW_SECONDS) return result(fail('NotYetValid', `signature made ${iso(signingTime)}, after the evaluation time ${iso(at)}`));
    if (signingTime < leaf.notBefore) {
      return result(fail('NotYetValid', `signature made ${iso(signingTime)}, before its certificate ${leaf.subject.text} became valid ${iso(leaf.notBefore)}`));
    }
  }
  const bySigningTime = root.keyValidity === 'signingTime' && attributeTime !== undefined;
  const judgedAt = bySigningTime ? attributeTime : at;
  const when = bySigningTime ? `when the signature was made (${iso(judgedAt)})` : `at ${iso(judgedAt)}`;
  if (judgedAt < leaf.notBefore) return result(fail('NotYetValid', `signer certificate ${leaf.subject.text} is not valid before ${iso(leaf.notBefore)}, so not ${when}`));
  if (judgedAt > leaf.notAfter) return result(fail('KeyExpired', `signer certificate ${leaf.subject.text} expired ${iso(leaf.notAfter)}, before the evaluation ${when}`));
  const outside = chain.intermediates.find((cert) => !within(cert, judgedAt));
  if (outside) return result(fail('UntrustedCertificate', `CA certificate ${outside.subject.text} is not valid ${when} (${window(outside)})`));
  if (!anchors.some((cert) => within(cert, judgedAt))) {
    const anchor = anchors[0];
    return result(fail('UntrustedCertificate', `trusted CA certificate ${anchor?.subject.text ?? '?'} is not valid ${when}${anchor ? ` (${window(anchor)})` : ''}`));
  }
  return result(null);
}

function within(cert: Certificate, t: number): boolean {
  return cert.notBefore <= t && t <= cert.notAfter;
}

function window(cert: Certificate): string {
  return `valid ${iso(cert.notBefore)} to ${iso(cert.notAfter)}`;
}

function locallyRevoked(cert: Certificate, trust: TrustMaterial): boolean {
  return trust.roots.some((root) => root.revokedKeys.has(cert.fingerprint) || root.revokedKeys.has(cert.fingerprint.slice(-16)));
}
