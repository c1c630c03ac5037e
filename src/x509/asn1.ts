/**
 * The only importer of `@peculiar/asn1-schema` and `@peculiar/asn1-x509`. It decodes what
 * `node:crypto` does not expose about a certificate: names, validity, basic constraints with the
 * path length, key usage bits, extended key usage, the subject key identifier. It runs once per
 * certificate (trust load and chain-cache misses), never per signature: the per-signature CMS
 * envelope is read by `der.ts`, which is about 100 times faster than a schema-driven parse.
 */
import { AsnConvert, AsnParser, type OctetString } from '@peculiar/asn1-schema';
import {
  BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage,
  id_ce_keyUsage, id_ce_subjectKeyIdentifier, type Name,
} from '@peculiar/asn1-x509';

/** The parts of a distinguished name that facts and messages use. */
export interface NameFacts {
  /** RFC 4514 form, most specific attribute first, e.g. `CN=Example Leaf,O=Example Corp`. */
  readonly text: string;
  readonly commonName?: string;
  readonly organization?: string;
  readonly email?: string;
}

/** The extensions path validation needs; absent members mean the extension is absent. */
export interface ExtensionFacts {
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number };
  /** Key usage bits as named by RFC 5280 (digitalSignature = 1, keyCertSign = 32, ...). */
  readonly keyUsage?: number;
  readonly extKeyUsage?: readonly string[];
  readonly subjectKeyId?: Uint8Array;
  /** OIDs of critical extensions this verifier does not process (path validation must fail). */
  readonly unknownCritical: readonly string[];
}

export interface CertificateFields {
  readonly subject: NameFacts;
  readonly issuer: NameFacts;
  /** Seconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly extensions: ExtensionFacts;
}

export const KEY_USAGE = { digitalSignature: 1, keyCertSign: 32 } as const;
export const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** Critical extensions that may be present without changing what this verifier decides. */
const UNDERSTOOD = new Set([id_ce_basicConstraints, id_ce_keyUsage, id_ce_extKeyUsage, id_ce_subjectKeyIdentifier, '2.5.29.17', '2.5.29.35']);

/** Decodes a certificate's names, validity and extensions. Returns a problem text instead of throwing. */
export function decodeCertificate(der: Uint8Array): CertificateFields | string {
  try {
    const tbs = AsnParser.parse(der, Certificate).tbsCertificate;
    return {
      subject: nameFacts(tbs.subject),
      issuer: nameFacts(tbs.issuer),
      notBefore: Math.floor(tbs.validity.notBefore.getTime().getTime() / 1000),
      notAfter: Math.floor(tbs.validity.notAfter.getTime().getTime() / 1000),
      extensions: extensionFacts(tbs.extensions ?? []),
    };
  } catch (error) {
    return `certificate cannot be decoded (${error instanceof Error ? error.message : 'unknown error'})`;
  }
}

function extensionFacts(extensions: readonly { extnID: string; critical: boolean; extnValue: OctetString }[]): ExtensionFacts {
  const seen = new Set<string>();
  let facts: { -readonly [K in keyof ExtensionFacts]: ExtensionFacts[K] } = { unknownCritical: [] };
  for (const ext of extensions) {
    if (seen.has(ext.extnID)) throw new Error(`extension ${ext.extnID} appears twice`);
    seen.add(ext.extnID);
    const value = ext.extnValue.buffer;
    switch (ext.extnID) {
      case id_ce_basicConstraints: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        facts = { ...facts, basicConstraints: { ca: bc.cA, ...(bc.pathLenConstraint !== undefined ? { pathLen: bc.pathLenConstraint } : {}) } };
        break;
      }
      case id_ce_keyUsage:
        facts = { ...facts, keyUsage: AsnConvert.parse(value, KeyUsage).toNumber() };
        break;
      case id_ce_extKeyUsage:
        facts = { ...facts, extKeyUsage: [...AsnConvert.parse(value, ExtendedKeyUsage)] };
        break;
      case id_ce_subjectKeyIdentifier:
        facts = { ...facts, subjectKeyId: new Uint8Array(AsnConvert.parse(value, SubjectKeyIdentifier).buffer) };
        break;
      default:
        if (ext.critical && !UNDERSTOOD.has(ext.extnID)) facts = { ...facts, unknownCritical: [...facts.unknownCritical, ext.extnID] };
    }
  }
  return facts;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID', '1.2.840.113549.1.9.1': 'emailAddress',
};

function nameFacts(name: Name): NameFacts {
  const first = (type: string): string | undefined => {
    for (const rdn of name) for (const atv of rdn) if (atv.type === type) return atv.value.toString();
    return undefined;
  };
  const text = [...name].reverse()
    .map((rdn) => rdn.map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${escapeValue(atv.value.toString())}`).join('+'))
    .join(',');
  const commonName = first('2.5.4.3');
  const organization = first('2.5.4.10');
  const email = first('1.2.840.113549.1.9.1');
  return { text, ...(commonName !== undefined ? { commonName } : {}), ...(organization !== undefined ? { organization } : {}), ...(email !== undefined ? { email } : {}) };
}

/** RFC 4514 section 2.4 escaping. */
function escapeValue(value: string): string {
  return value.replace(/[,+"\\<>;]/g, '\\$&').replace(/^[ #]/, '\\$&').replace(/ $/, '\\ ');
}
