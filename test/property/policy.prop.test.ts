/**
 * Properties of the policy engine (issue 4, Tests): evaluation never throws past the CEL wrapper
 * (every failure is a typed result), and adding an untrusted signature never turns Denied into
 * Allowed for the policies below.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import { policyCelScope } from '../../src/policy/load.js';
import type { SignatureVerdict } from '../../src/types.js';
import { DIGEST, image, NOW, OTHER_KEY, policies, policyYaml, RELEASE_KEY, trusted, verification } from '../helpers/policy.js';

const KEYS = [RELEASE_KEY, OTHER_KEY, 'AB'.repeat(20)];

const POLICIES = policies(
  policyYaml('require-trusted', 'validations:\n  - expression: "signatures.exists(s, s.trusted && s.forImage)"\n    reason: Unsigned\nvalidationActions: [Deny]'),
  policyYaml('release-key', `images: ["registry.example.com/**"]
params:
  keys: ["${RELEASE_KEY}"]
validations:
  - expression: "signatures.exists(s, s.trusted && s.forImage && s.fingerprint in params.keys)"
validationActions: [Deny]`),
  policyYaml('quorum', `images: ["registry.example.com/shop/**"]
validations:
  - expression: "size(signatures.filter(s, s.trusted && s.forImage).map(s, s.fingerprint).distinct()) >= 2"
validationActions: [Deny]`),
  policyYaml('no-revoked', 'validations:\n  - expression: "!signatures.exists(s, s.revoked)"\nvalidationActions: [Deny]'),
  policyYaml('age', "validations:\n  - expression: \"signatures.filter(s, s.trusted).all(s, now - s.created < duration('8760h'))\"\nvalidationActions: [Warn]"),
  policyYaml('identity', `variables:
  - name: ok
    expression: "signatures.filter(s, s.trusted && s.identity != null && identityMatches(s.identity, 'registry.example.com/shop/frontend:1.0', 'matchRepository'))"
validations:
  - expression: "size(variables.ok) > 0"
validationActions: [Deny]
failurePolicy: Ignore`),
);

const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const trustedVerdict = fc.record({ key: fc.constantFrom(...KEYS), created: date, forImage: fc.boolean(), revoked: fc.boolean() }).map(({ key, created, forImage, revoked }): SignatureVerdict => ({
  ...trusted(key, created), forImage, revoked, reason: forImage ? 'Verified' : 'IdentityMismatch',
}));

const untrustedVerdict = fc.record({
  keyID: fc.option(fc.stringMatching(/^[0-9A-F]{16}$/), { nil: undefined }),
  forImage: fc.boolean(),
  revoked: fc.boolean(),
  expired: fc.boolean(),
  reason: fc.constantFrom('UnknownKey', 'BadSignature', 'KeyExpired', 'KeyRevoked', 'MalformedSignature', 'InvalidPayload'),
  name: fc.string({ maxLength: 40 }),
}).map((r): SignatureVerdict => ({
  index: 0, name: r.name, type: 'atomic', format: 'openpgp', trusted: false, forImage: r.forImage, reason: r.reason, message: 'x',
  ...(r.keyID === undefined ? {} : { keyID: r.keyID.toUpperCase() }), expired: r.expired, revoked: r.revoked,
}));

const reference = fc.constantFrom(`registry.example.com/shop/frontend@${DIGEST}`, 'registry.example.com/other/app:1', 'quay.io/x/y:2', 'not a reference');

describe('policy properties', () => {
  test.prop([fc.array(fc.oneof(trustedVerdict, untrustedVerdict), { maxLength: 6 }), untrustedVerdict, fc.nat(), reference], { numRuns: 200 })(
    'adding an untrusted signature never turns Denied into Allowed',
    (verdicts, extra, at, ref) => {
      const before = evaluatePolicies(POLICIES, image(ref), verification(verdicts), { now: NOW });
      const withExtra = [...verdicts];
      withExtra.splice(at % (verdicts.length + 1), 0, extra);
      const after = evaluatePolicies(POLICIES, image(ref), verification(withExtra), { now: NOW });
      if (before.decision === 'Denied') expect(after.decision).toBe('Denied');
    },
  );

  test.prop([fc.jsonValue({ maxDepth: 4 }), fc.array(fc.oneof(trustedVerdict, untrustedVerdict), { maxLength: 4 }), fc.anything({ maxDepth: 3 })], { numRuns: 150 })(
    'evaluatePolicies never throws, whatever the Image and request',
    (untrustedImage, verdicts, request) => {
      const set = policies(policyYaml('reads-everything', 'validations:\n  - expression: "image.metadata.name == \'x\' || request.kind == \'Pod\' || reference.registry == \'x\'"\nvalidationActions: [Deny]'));
      const decision = evaluatePolicies(set, untrustedImage, verification(verdicts), { now: NOW, request });
      expect(['Allowed', 'Denied']).toContain(decision.decision);
      expect(typeof decision.reason).toBe('string');
    },
  );

  const scope = policyCelScope().derive({ variables: { x: 'dyn', y: 'dyn' } });
  const atom = fc.constantFrom('x', 'y', '1', '2.5', '"s"', 'null', 'true', '[x, y]', '{"k": x}', 'x.k', 'x[0]', 'size(x)', 'int(x)', 'string(x)',
    'x.matches(y)', 'globMatch(x, y)', 'parseReference(x)', 'identityMatches(x, y, x)', 'timestamp(x)', 'duration(y)', 'x / y', 'x % y', 'now - x',
    'x.split(y)', 'x.replace(y, x)', 'x.lowerAscii()', 'signatures[0].name', 'x.distinct()', 'dyn(x) + dyn(y)');
  const expression = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom, fc.tuple(tie('expr'), fc.constantFrom(' + ', ' == ', ' < ', ' && ', ' || ', ' in '), tie('expr')).map(([a, op, b]) => `(${a}${op}${b})`),
      tie('expr').map((e) => `[${e}].exists(v, v == ${e})`), tie('expr').map((e) => `!${e}`)),
  })).expr;
  const celValue = fc.oneof(fc.string({ maxLength: 12 }), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 3 }), fc.date(), fc.constant(undefined), fc.object({ maxDepth: 1 }));

  test.prop([expression, celValue, celValue], { numRuns: 300 })('a compiled expression evaluates to a value or an error, never a throw', (text, x, y) => {
    const compiled = scope.compile(text);
    if (!compiled.ok) return;
    const outcome = compiled.program.evaluate({ x, y, signatures: [], now: NOW, image: {}, reference: null, params: null, request: null });
    expect(typeof outcome.ok).toBe('boolean');
    if (!outcome.ok) expect(typeof outcome.error).toBe('string');
  });

  test.prop([fc.string({ maxLength: 60 })], { numRuns: 300 })('compile never throws on arbitrary text', (text) => {
    const compiled = scope.compile(text);
    expect(typeof compiled.ok).toBe('boolean');
  });
});
