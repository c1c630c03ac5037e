/**
 * `npm run bench`: each representative policy evaluated per Image through the CEL engine
 * (`evaluatePolicies`) against a hand-written TypeScript function that decides the same thing and
 * builds the same decision object, in one run so the ratio is fair (target ≤ 10 ×). Load time
 * (YAML parse + CEL parse + type-check + bounds) is a group of its own, against the YAML parse alone.
 * The Image has three signatures: two trusted by distinct keys, one by an unknown key.
 */
import { bench, describe } from 'vitest';
import { compilePolicyTexts } from '../src/edge/policy-input.js';
import { parseYamlDocuments } from '../src/edge/yaml.js';
import { evaluatePolicies } from '../src/policy/evaluate.js';
import type { PolicyDecision } from '../src/policy/types.js';
import type { SignatureVerdict } from '../src/types.js';
import { image, NOW, OTHER_KEY, policyYaml, RELEASE_KEY, trusted, untrusted, verification } from '../test/helpers/policy.js';

const IMAGE = image();
const SIGNATURES: readonly SignatureVerdict[] = [trusted(RELEASE_KEY, '2026-01-01T00:00:00Z', 0), trusted(OTHER_KEY, '2025-03-01T00:00:00Z', 1), untrusted(2)];
const VERIFIED = verification(SIGNATURES);
const YEAR_MS = 8760 * 3600 * 1000;

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly handWritten: (signatures: readonly SignatureVerdict[], dockerImageReference: string, now: Date) => PolicyDecision;
}

const allowed = (policy: string, warnings: string[] = []): PolicyDecision => ({
  decision: 'Allowed', reason: 'Allowed', message: `allowed by ${policy}`, warnings, results: [{ policy, actions: ['Deny'], applied: true, passed: true }],
});
const deniedBy = (policy: string, reason: string, message: string): PolicyDecision => ({
  decision: 'Denied', reason, message: `${policy}: ${message}`, warnings: [], results: [{ policy, actions: ['Deny'], applied: true, passed: false, reason, message }],
});

const CASES: readonly Case[] = [
  {
    name: 'require a trusted signature for the image',
    yaml: policyYaml('require-trusted', `
validations:
  - expression: "signatures.exists(s, s.trusted && s.forImage)"
    message: no trusted signature for this image
    reason: Unsigned
validationActions: [Deny]`),
    handWritten: (signatures) =>
      signatures.some((s) => s.trusted && s.forImage) ? allowed('require-trusted') : deniedBy('require-trusted', 'Unsigned', 'no trusted signature for this image'),
  },
  {
    name: 'release-key allow-list',
    yaml: policyYaml('release-key', `
images: ["registry.example.com/**"]
params:
  releaseKeys: ["${RELEASE_KEY}", "0000000000000000000000000000000000000000"]
variables:
  - name: releaseSigned
    expression: "signatures.filter(s, s.trusted && s.forImage && s.fingerprint in params.releaseKeys)"
validations:
  - expression: "size(variables.releaseSigned) > 0"
    messageExpression: "'no release signature on ' + reference.name"
    reason: NotReleaseSigned
validationActions: [Deny]`),
    handWritten: (signatures, ref) => {
      const keys = new Set([RELEASE_KEY, '0000000000000000000000000000000000000000']);
      if (!ref.startsWith('registry.example.com/')) throw new Error('not applicable');
      const ok = signatures.some((s) => s.trusted && s.forImage && s.signer !== undefined && keys.has(s.signer.fingerprint));
      return ok ? allowed('release-key') : deniedBy('release-key', 'NotReleaseSigned', `no release signature on ${ref.split('@')[0] ?? ref}`);
    },
  },
  {
    name: 'quorum of two distinct signers',
    yaml: policyYaml('quorum', `
validations:
  - expression: "size(signatures.filter(s, s.trusted && s.forImage).map(s, s.fingerprint).distinct()) >= 2"
    message: fewer than two distinct trusted signers
    reason: NoQuorum
validationActions: [Deny]`),
    handWritten: (signatures) => {
      const signers = new Set(signatures.filter((s) => s.trusted && s.forImage).map((s) => s.signer?.fingerprint));
      return signers.size >= 2 ? allowed('quorum') : deniedBy('quorum', 'NoQuorum', 'fewer than two distinct trusted signers');
    },
  },
  {
    name: 'signature age warning',
    yaml: `${policyYaml('require-trusted', 'validations:\n  - expression: "signatures.exists(s, s.trusted && s.forImage)"\nvalidationActions: [Deny]')}---\n${policyYaml('signature-age', `
validations:
  - expression: "signatures.filter(s, s.trusted && s.created != null).all(s, now - s.created < duration('8760h'))"
    message: a trusted signature is older than a year
validationActions: [Warn]`)}`,
    handWritten: (signatures, _ref, now) => {
      if (!signatures.some((s) => s.trusted && s.forImage)) return deniedBy('require-trusted', 'Invalid', 'failed');
      const old = signatures.some((s) => s.trusted && s.created !== undefined && now.getTime() - Date.parse(s.created) >= YEAR_MS);
      const decision = allowed('require-trusted', old ? ['signature-age: a trusted signature is older than a year'] : []);
      return { ...decision, results: [...decision.results, { policy: 'signature-age', actions: ['Warn'], applied: true, passed: !old }] };
    },
  },
];

for (const c of CASES) {
  const set = compilePolicyTexts([{ text: c.yaml, source: `${c.name}.yaml` }]);
  const reference = IMAGE['dockerImageReference'] as string;
  // Both sides must decide the same before their speed is compared.
  for (const signatures of [SIGNATURES, SIGNATURES.slice(1), SIGNATURES.slice(2), []]) {
    const cel = evaluatePolicies(set, IMAGE, verification(signatures), { now: NOW });
    const hand = c.handWritten(signatures, reference, NOW);
    if (cel.decision !== hand.decision || cel.warnings.join() !== hand.warnings.join()) throw new Error(`${c.name}: CEL and hand-written disagree`);
  }
  describe(c.name, () => {
    bench('hand-written TypeScript', () => {
      c.handWritten(VERIFIED.signatures, reference, NOW);
    });
    bench('CEL policy (evaluatePolicies)', () => {
      evaluatePolicies(set, IMAGE, VERIFIED, { now: NOW });
    });
  });
}

const ALL = CASES.map((c, i) => ({ text: c.yaml.replaceAll('name: require-trusted', `name: require-trusted-${i}`), source: `${i}.yaml` }));
describe('load: the four policies above', () => {
  bench('YAML parse only', () => {
    for (const { text, source } of ALL) parseYamlDocuments(text, source);
  });
  bench('compilePolicyTexts (YAML + CEL parse + type-check + bounds)', () => {
    compilePolicyTexts(ALL);
  });
});
