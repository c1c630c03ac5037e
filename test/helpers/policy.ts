// Builders for policy tests: verdicts as the verifier would produce them, without keys or crypto.
import type { VerifyResult } from '../../src/engine.js';
import { compilePolicyTexts } from '../../src/edge/policy-input.js';
import type { PolicySet } from '../../src/policy/load.js';
import type { SignatureVerdict } from '../../src/types.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
export const REFERENCE = `registry.example.com/shop/frontend@${DIGEST}`;
export const RELEASE_KEY = 'D41902F7837351AEBB933DB0E4C94DF13613675A';
export const OTHER_KEY = '567E347AD0044ADE55BA8A5F199E2F91FD431D51';

/** A trusted signature for the image by `fingerprint`, made at `created`. */
export function trusted(fingerprint: string, created = '2026-01-01T00:00:00Z', index = 0): SignatureVerdict {
  return {
    index,
    name: `${DIGEST}@${index.toString(16).padStart(32, '0')}`,
    type: 'atomic',
    format: 'openpgp',
    trusted: true,
    forImage: true,
    reason: 'Verified',
    message: 'verified',
    keyID: fingerprint.slice(-16),
    signer: {
      fingerprint, keyID: fingerprint.slice(-16), trustRoot: 'release', commonName: 'Release', organization: 'Example', email: 'release@example.com',
      issuer: { commonName: 'Example CA', organization: 'Example' },
    },
    created,
    claims: { manifestDigest: DIGEST, dockerReference: 'registry.example.com/shop/frontend:1.0', timestamp: Date.parse(created) / 1000 },
    expired: false,
    revoked: false,
  };
}

/** A signature that did not verify (unknown key): no signer, no claims. */
export function untrusted(index = 0, keyID = 'AAAAAAAAAAAAAAAA'): SignatureVerdict {
  return {
    index, name: `${DIGEST}@${index.toString(16).padStart(32, '0')}`, type: 'atomic', format: 'openpgp',
    trusted: false, forImage: false, reason: 'UnknownKey', message: 'unknown key', keyID, expired: false, revoked: false,
  };
}

export function verification(signatures: readonly SignatureVerdict[]): VerifyResult {
  const verdict = signatures.length === 0 ? 'Unsigned' : signatures.some((s) => s.trusted && s.forImage) ? 'Trusted' : 'Untrusted';
  return { verdict, signatures, image: null, changed: false, problems: [] };
}

export function image(reference = REFERENCE, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'image.openshift.io/v1', kind: 'Image', metadata: { name: DIGEST }, dockerImageReference: reference, ...extra };
}

/** An ImagePolicy document as YAML from its spec lines (indented under `spec:`). */
export function policyYaml(name: string, spec: string): string {
  const body = spec.trim().split('\n').map((l) => `  ${l}`).join('\n');
  return `apiVersion: imagetrust.io/v1alpha1\nkind: ImagePolicy\nmetadata:\n  name: ${name}\nspec:\n${body}\n`;
}

export function policies(...yaml: string[]): PolicySet {
  return compilePolicyTexts(yaml.map((text, i) => ({ text, source: `policy-${i}.yaml` })));
}
