/** Steps 1-5 for one signature blob, by format. Never throws. */
import { fail } from '../codes.js';
import type { MessageLimits } from '../pgp/message.js';
import type { TrustMaterial } from '../trust/material.js';
import type { SignatureFormat } from '../types.js';
import type { Authenticated, Rejected } from './authenticated.js';
import { authenticateX509 } from '../x509/authenticate.js';
import { authenticateOpenPgp } from './openpgp-signature.js';

/** `atomic` is what containers/image writes, `AtomicImageV1` what OpenShift's importer writes. */
const FORMATS: Readonly<Record<string, Exclude<SignatureFormat, 'unknown'>>> = { atomic: 'openpgp', AtomicImageV1: 'openpgp', x509: 'x509' };

export function signatureFormat(type: string): SignatureFormat {
  return Object.hasOwn(FORMATS, type) ? (FORMATS[type] ?? 'unknown') : 'unknown';
}

export function authenticateBlob(format: SignatureFormat, blob: Uint8Array, trust: TrustMaterial, limits: MessageLimits): Authenticated | Rejected {
  switch (format) {
    case 'openpgp':
      return authenticateOpenPgp(blob, trust, limits);
    case 'x509':
      return authenticateX509(blob, trust, limits);
    case 'unknown':
      return { failure: fail('UnsupportedSignatureType', 'unsupported signature type (expected atomic, AtomicImageV1 or x509)') };
  }
}
