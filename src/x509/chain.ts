/**
 * The time-independent part of X.509 path validation: find the signer's certificate, then a path
 * from it through the carried intermediates to a CA certificate of some trust root, checking every
 * link's signature (node:crypto), that each issuer is a CA allowed to sign certificates, the path
 * length constraints, the leaf's key usage (digitalSignature) and extended key usage (codeSigning
 * when present), and that no certificate has a critical extension this verifier does not process.
 * Validity windows depend on the evaluation time and are judged in `judge.ts`.
 */
import { fail, type Failure } from '../codes.js';
import type { TrustedAnchor, TrustMaterial } from '../trust/material.js';
import { hashWeakness, keyProblem, keyWeakness, type Weakness } from './algorithms.js';
import { EKU_CODE_SIGNING, KEY_USAGE } from './asn1.js';
import { isCa } from './anchors.js';
import { readCertificate, sameBytes, signedBy, type Certificate } from './certificate.js';
import type { SignerIdentifier } from './cms.js';

/** Longest path accepted: the leaf and up to 7 intermediates below the trust anchor. */
export const MAX_CHAIN_DEPTH = 8;
/** Most certificate signature checks one path search may spend (hostile certificate sets). */
const MAX_LINK_CHECKS = 64;

export interface Chain {
  readonly leaf: Certificate;
  /** The leaf's issuer first, up to the certificate the anchor issued. */
  readonly intermediates: readonly Certificate[];
  /** Every trust anchor whose key verifies the top of the path, in trust order (several roots may hold it). */
  readonly anchors: readonly TrustedAnchor[];
  /** Weak algorithms the certificate signatures use (the data signature's are added by the caller). */
  readonly weaknesses: readonly Weakness[];
}

export interface ChainFailure {
  readonly failure: Failure;
  /** The leaf's key ID (unverified) when the leaf was found. */
  readonly keyIDHint?: string;
}

/** Never throws. */
export function buildChain(untrustedCertificates: readonly Uint8Array[], sid: SignerIdentifier, trust: TrustMaterial): Chain | ChainFailure {
  const certs: Certificate[] = [];
  for (const [index, der] of untrustedCertificates.entries()) {
    const cert = readCertificate(der);
    if (typeof cert === 'string') return { failure: fail('MalformedSignature', `certificate ${index + 1} in the signature: ${cert}`) };
    certs.push(cert);
  }
  const matches = certs.filter((cert) => identifies(sid, cert));
  const leaf = matches[0];
  if (!leaf || matches.length > 1) {
    return { failure: fail('MalformedSignature', matches.length > 1 ? 'two certificates match the signer identifier' : 'the signer\'s certificate is not in the signature') };
  }
  const keyIDHint = leaf.fingerprint.slice(-16);
  const untrusted = (message: string): ChainFailure => ({ failure: fail('UntrustedCertificate', message), keyIDHint });
  const leafProblem = leafUsageProblem(leaf);
  if (leafProblem) return untrusted(leafProblem);

  const search = new PathSearch(certs, trust);
  const path = search.from(leaf, []);
  if ('message' in path) return untrusted(path.message);
  const used = [leaf, ...path.intermediates];
  const stray = certs.find((cert) => !used.includes(cert) && !path.anchors.some((a) => sameBytes(a.cert.der, cert.der)));
  if (stray) return untrusted(`the signature carries certificate ${stray.subject.text} (serial ${stray.serialNumber}), which is not on the signer's chain`);
  return { leaf, intermediates: path.intermediates, anchors: path.anchors, weaknesses: path.weaknesses };
}

function identifies(sid: SignerIdentifier, cert: Certificate): boolean {
  if (sid.kind === 'issuerAndSerial') return sameBytes(sid.issuer, cert.issuerDer) && sameBytes(sid.serial, cert.serialBytes);
  return cert.extensions.subjectKeyId !== undefined && sameBytes(sid.keyId, cert.extensions.subjectKeyId);
}

function leafUsageProblem(leaf: Certificate): string | null {
  const { keyUsage, extKeyUsage } = leaf.extensions;
  if (keyUsage !== undefined && (keyUsage & KEY_USAGE.digitalSignature) === 0) {
    return `signer certificate ${leaf.subject.text} may not make signatures: its key usage lacks digitalSignature`;
  }
  if (extKeyUsage !== undefined && !extKeyUsage.includes(EKU_CODE_SIGNING)) {
    return `signer certificate ${leaf.subject.text} is not for code signing: its extended key usage (${extKeyUsage.join(', ')}) lacks codeSigning`;
  }
  return criticalProblem(leaf);
}

function criticalProblem(cert: Certificate): string | null {
  const [unknown] = cert.extensions.unknownCritical;
  return unknown === undefined ? null : `certificate ${cert.subject.text} has critical extension ${unknown}, which this verifier does not process`;
}

interface Path {
  readonly intermediates: readonly Certificate[];
  readonly anchors: readonly TrustedAnchor[];
  readonly weaknesses: readonly Weakness[];
}

/** Depth-first search for a path to a trust anchor, with a bounded number of signature checks. */
class PathSearch {
  private checks = 0;
  constructor(private readonly carried: readonly Certificate[], private readonly trust: TrustMaterial) {}

  /** A path from `cert` (whose issuers so far are `below`, leaf excluded) to an anchor, or why none. */
  from(cert: Certificate, below: readonly Certificate[]): Path | { readonly message: string } {
    const issuerKey = Buffer.from(cert.issuerDer).toString('hex');
    const linkProblem = (issuer: Certificate): string | null => this.link(cert, issuer, below.length);
    const named = this.trust.anchorsBySubject.get(issuerKey) ?? [];
    const anchors = named.filter((a) => this.verifies(cert, a.cert));
    const usable = anchors.filter((a) => linkProblem(a.cert) === null);
    const [top] = usable;
    if (top) return { intermediates: [], anchors: usable, weaknesses: this.weaknesses(cert, top.cert) };
    let first = anchors[0] ? (linkProblem(anchors[0].cert) ?? undefined) : undefined;
    if (first === undefined && named.length > 0) {
      first = `certificate ${cert.subject.text} names the trusted CA ${cert.issuer.text} as its issuer, but that CA's key did not sign it (a look-alike CA?)`;
    }
    if (below.length + 2 > MAX_CHAIN_DEPTH) return { message: first ?? `the chain is longer than ${MAX_CHAIN_DEPTH} certificates` };
    for (const issuer of this.carried) {
      if (issuer === cert || below.includes(issuer) || !sameBytes(issuer.subjectDer, cert.issuerDer) || !this.verifies(cert, issuer)) continue;
      const problem = linkProblem(issuer);
      if (problem !== null) {
        first ??= problem;
        continue;
      }
      const rest = this.from(issuer, [...below, issuer]);
      if (!('message' in rest)) {
        return { intermediates: [issuer, ...rest.intermediates], anchors: rest.anchors, weaknesses: [...this.weaknesses(cert, issuer), ...rest.weaknesses] };
      }
      first ??= rest.message;
    }
    if (this.checks > MAX_LINK_CHECKS) return { message: `gave up finding a chain after ${MAX_LINK_CHECKS} certificate signature checks` };
    if (first === undefined && sameBytes(cert.subjectDer, cert.issuerDer)) return { message: `the chain ends at ${cert.subject.text}, a self-issued CA that no trust root holds` };
    return { message: first ?? `no trusted CA issued ${cert.subject.text}: its issuer ${cert.issuer.text} is neither a trusted CA nor carried in the signature` };
  }

  private verifies(cert: Certificate, issuer: Certificate): boolean {
    if (this.checks++ >= MAX_LINK_CHECKS) return false;
    return signedBy(cert, issuer);
  }

  /**
   * Whether `issuer` may have issued `cert`. `below` counts the intermediate CAs between `issuer`
   * and the leaf (`cert` itself unless it is the leaf): RFC 5280's pathLenConstraint bounds it.
   */
  private link(cert: Certificate, issuer: Certificate, below: number): string | null {
    if (!isCa(issuer)) return `certificate ${issuer.subject.text} issued ${cert.subject.text} but is not a CA (basicConstraints cA and keyCertSign)`;
    const pathLen = issuer.extensions.basicConstraints?.pathLen;
    if (pathLen !== undefined && below > pathLen) {
      return `CA ${issuer.subject.text} allows ${pathLen} intermediate CA${pathLen === 1 ? '' : 's'} below it (pathLenConstraint), the chain has ${below}`;
    }
    const critical = criticalProblem(issuer);
    if (critical) return critical;
    if (typeof cert.signature === 'string') return `certificate ${cert.subject.text}: ${cert.signature}`;
    const keyIssue = keyProblem(issuer.publicKey, cert.signature);
    return keyIssue === null ? null : `certificate ${cert.subject.text}: ${keyIssue}`;
  }

  private weaknesses(cert: Certificate, issuer: Certificate): Weakness[] {
    const hash = typeof cert.signature === 'string' ? null : cert.signature.hash;
    return [hashWeakness(hash, `the signature on certificate ${cert.subject.text}`), keyWeakness(issuer.publicKey, `the key of CA ${issuer.subject.text}`)]
      .filter((w): w is Weakness => w !== null);
  }
}
