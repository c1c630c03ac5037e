/**
 * CA bundles of trust roots: PEM text with one or more certificates (or a single DER certificate).
 * Only CA certificates (basic constraints `cA`, and `keyCertSign` where key usage is present) can
 * anchor a chain; other certificates in a bundle are ignored. A bundle without any CA certificate,
 * or with a certificate that cannot be read, is a configuration error: never an empty trust set.
 */
import { ConfigError } from '../codes.js';
import { KEY_USAGE } from './asn1.js';
import { readCertificate, type Certificate } from './certificate.js';

/** Most certificates read from one bundle (system bundles hold about 150). */
export const MAX_BUNDLE_CERTIFICATES = 1000;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The CA certificates of a bundle, in bundle order. Throws ConfigError. */
export function readCaBundle(data: Uint8Array, source: string): Certificate[] {
  const ders = readPemCertificates(data, source);
  const cas: Certificate[] = [];
  for (const [index, der] of ders.entries()) {
    const cert = readCertificate(der);
    if (typeof cert === 'string') throw new ConfigError(`${source}: certificate ${index + 1}: ${cert}`);
    if (isCa(cert)) cas.push(cert);
  }
  if (cas.length === 0) {
    throw new ConfigError(`${source}: the CA bundle holds no CA certificate (${ders.length} certificate${ders.length === 1 ? '' : 's'} without basicConstraints cA=true and keyCertSign)`);
  }
  return cas;
}

/** A certificate that may issue others: `cA` set, and `keyCertSign` when key usage is present. */
export function isCa(cert: Certificate): boolean {
  const { basicConstraints, keyUsage } = cert.extensions;
  return basicConstraints?.ca === true && (keyUsage === undefined || (keyUsage & KEY_USAGE.keyCertSign) !== 0);
}

/** The DER certificates of PEM text (or of a single DER certificate), in order. Throws ConfigError. */
export function readPemCertificates(data: Uint8Array, source: string): Uint8Array[] {
  const text = Buffer.from(data).toString('latin1');
  if (!text.includes('-----BEGIN')) {
    // A single DER certificate, as some `.crt`/`.cer` files are.
    if (data[0] === 0x30) return [data];
    throw new ConfigError(`${source}: not a PEM CA bundle (no -----BEGIN CERTIFICATE----- block)`);
  }
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] !== 'CERTIFICATE' && m[1] !== 'TRUSTED CERTIFICATE') continue;
    if (m[1] === 'TRUSTED CERTIFICATE') throw new ConfigError(`${source}: OpenSSL "TRUSTED CERTIFICATE" blocks are not supported; export plain CERTIFICATE blocks`);
    const body = (m[2] ?? '').replace(/[\r\n\t ]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw new ConfigError(`${source}: certificate ${out.length + 1} is not valid base64`);
    out.push(new Uint8Array(Buffer.from(body, 'base64')));
    if (out.length > MAX_BUNDLE_CERTIFICATES) throw new ConfigError(`${source}: more than ${MAX_BUNDLE_CERTIFICATES} certificates`);
  }
  if (out.length === 0) throw new ConfigError(`${source}: the PEM bundle holds no CERTIFICATE block`);
  return out;
}
