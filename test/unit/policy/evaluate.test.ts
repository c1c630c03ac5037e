// Decision rules of contract section 8 / issue 4 item 2: Deny, Warn and Audit, failurePolicy,
// matchConditions, variables, images globs, the unmatched rule and the bounds on what is evaluated.
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../../src/policy/evaluate.js';
import type { CelOutcome, CelProgram } from '../../../src/policy/cel.js';
import { LazyVariables } from '../../../src/policy/variables.js';
import { DIGEST, image, NOW, OTHER_KEY, policies, policyYaml, RELEASE_KEY, trusted, untrusted, verification } from '../../helpers/policy.js';

const requireTrusted = policyYaml('require-trusted', `
validations:
  - expression: "signatures.exists(s, s.trusted && s.forImage)"
    message: no trusted signature
    reason: Unsigned
validationActions: [Deny]
`);

const releaseKey = policyYaml('release-key', `
images: ["registry.example.com/**"]
params:
  releaseKeys: ["${RELEASE_KEY}"]
variables:
  - name: releaseSigned
    expression: "signatures.filter(s, s.trusted && s.forImage && s.fingerprint in params.releaseKeys)"
validations:
  - expression: "size(variables.releaseSigned) > 0"
    messageExpression: "'no release signature on ' + reference.name"
    reason: NotReleaseSigned
validationActions: [Deny]
`);

const ageWarning = policyYaml('signature-age', `
validations:
  - expression: "signatures.filter(s, s.trusted).all(s, now - s.created < duration('8760h'))"
    message: a signature is older than a year
validationActions: [Warn]
`);

const evaluate = (set: ReturnType<typeof policies>, sigs = [trusted(RELEASE_KEY)], img: unknown = image(), context = {}) =>
  evaluatePolicies(set, img, verification(sigs), { now: NOW, ...context });

describe('decision', () => {
  it('allows when every applicable Deny policy passes', () => {
    const decision = evaluate(policies(requireTrusted, releaseKey));
    expect(decision).toMatchObject({ decision: 'Allowed', reason: 'Allowed', warnings: [] });
    expect(decision.results.map((r) => [r.policy, r.applied, r.passed])).toEqual([['require-trusted', true, true], ['release-key', true, true]]);
  });

  it('denies with the first failing Deny policy reason, listing every failing policy in order', () => {
    const decision = evaluate(policies(requireTrusted, releaseKey), [untrusted()]);
    expect(decision.decision).toBe('Denied');
    expect(decision.reason).toBe('Unsigned');
    expect(decision.message.indexOf('require-trusted:')).toBe(0);
    expect(decision.message).toContain('release-key: no release signature on registry.example.com/shop/frontend');
    expect(decision.results[1]).toMatchObject({ policy: 'release-key', applied: true, passed: false, reason: 'NotReleaseSigned' });
  });

  it('uses reason Invalid and the expression as message when a validation names neither', () => {
    const set = policies(policyYaml('bare', 'validations:\n  - expression: "size(signatures) > 5"\nvalidationActions: [Deny]'));
    const decision = evaluate(set);
    expect(decision.reason).toBe('Invalid');
    expect(decision.results[0]?.message).toBe('failed expression: size(signatures) > 5');
  });

  it('adds a warning for a failing Warn policy and never denies for it', () => {
    const old = trusted(RELEASE_KEY, '2024-01-01T00:00:00Z');
    const decision = evaluate(policies(requireTrusted, ageWarning), [old]);
    expect(decision.decision).toBe('Allowed');
    expect(decision.warnings).toEqual(['signature-age: a signature is older than a year']);
  });

  it('only reports a failing Audit policy', () => {
    const audit = policyYaml('audit', 'validations:\n  - expression: "false"\n    reason: Audited\nvalidationActions: [Audit]');
    const decision = evaluate(policies(requireTrusted, audit));
    expect(decision).toMatchObject({ decision: 'Allowed', warnings: [] });
    expect(decision.results[1]).toMatchObject({ applied: true, passed: false, reason: 'Audited' });
  });

  it('denies with NoApplicablePolicy when no Deny policy applies, unless unmatched is allow', () => {
    const set = policies(releaseKey, ageWarning);
    const other = image('quay.io/ns/app:1.0');
    expect(evaluate(set, [trusted(RELEASE_KEY)], other)).toMatchObject({ decision: 'Denied', reason: 'NoApplicablePolicy' });
    expect(evaluate(set, [trusted(RELEASE_KEY)], other, { unmatched: 'allow' })).toMatchObject({ decision: 'Allowed', reason: 'Allowed' });
    expect(evaluate(policies(ageWarning))).toMatchObject({ decision: 'Denied', reason: 'NoApplicablePolicy' });
  });

  it('denies an empty policy set', () => {
    expect(evaluate(policies())).toMatchObject({ decision: 'Denied', reason: 'NoApplicablePolicy' });
  });
});

describe('failurePolicy', () => {
  const failing = (policy: string, actions = '[Deny]') => policyYaml('runtime-error', `
validations:
  - expression: "signatures[5].trusted"
validationActions: ${actions}
${policy}`);

  it('Fail (the default): a runtime error denies with PolicyError and the error in the message', () => {
    const decision = evaluate(policies(requireTrusted, failing('')));
    expect(decision).toMatchObject({ decision: 'Denied', reason: 'PolicyError' });
    expect(decision.message.startsWith('runtime-error: validation 0:')).toBe(true);
  });

  it('Ignore: the policy counts as passed and the error is reported', () => {
    const decision = evaluate(policies(requireTrusted, failing('failurePolicy: Ignore')));
    expect(decision.decision).toBe('Allowed');
    expect(decision.results[1]).toMatchObject({ applied: true, passed: true, reason: 'PolicyError' });
  });

  it('Ignore still denies for a validation that is false', () => {
    const set = policies(policyYaml('p', 'validations:\n  - expression: "signatures[5].trusted"\n  - expression: "false"\n    reason: No\nvalidationActions: [Deny]\nfailurePolicy: Ignore'));
    expect(evaluate(set)).toMatchObject({ decision: 'Denied', reason: 'No' });
  });

  it('a Warn policy with a runtime error warns, never denies', () => {
    const decision = evaluate(policies(requireTrusted, failing('', '[Warn]')));
    expect(decision.decision).toBe('Allowed');
    expect(decision.warnings).toHaveLength(1);
  });

  it('a failing messageExpression falls back to message', () => {
    const set = policies(policyYaml('m', 'validations:\n  - expression: "false"\n    message: fallback\n    messageExpression: "signatures[9].name"\nvalidationActions: [Deny]'));
    expect(evaluate(set).results[0]?.message).toBe('fallback');
  });
});

describe('matchConditions', () => {
  const conditional = (expression: string, failure = 'Fail') => policyYaml('conditional', `
matchConditions:
  - name: condition
    expression: "${expression}"
validations:
  - expression: "false"
validationActions: [Deny]
failurePolicy: ${failure}`);

  it('a false condition means the policy does not apply', () => {
    const decision = evaluate(policies(requireTrusted, conditional("!has(image.dockerImageManifests)")), [trusted(RELEASE_KEY)], image(undefined, { dockerImageManifests: [] }));
    expect(decision.results[1]).toMatchObject({ applied: false });
    expect(decision.decision).toBe('Allowed');
  });

  it('a true condition applies the policy', () => {
    expect(evaluate(policies(requireTrusted, conditional('true'))).decision).toBe('Denied');
  });

  it('an error under Fail applies and denies; under Ignore skips', () => {
    expect(evaluate(policies(requireTrusted, conditional('signatures[3].trusted')))).toMatchObject({ decision: 'Denied', reason: 'PolicyError' });
    const ignored = evaluate(policies(requireTrusted, conditional('signatures[3].trusted', 'Ignore')));
    expect(ignored.decision).toBe('Allowed');
    expect(ignored.results[1]).toMatchObject({ applied: false, reason: 'PolicyError' });
  });
});

describe('images globs', () => {
  const scoped = (...globs: string[]) => policies(policyYaml('scoped', `images: ${JSON.stringify(globs)}\nvalidations:\n  - expression: "true"\nvalidationActions: [Deny]`));
  it.each([
    [['registry.example.com/**'], `registry.example.com/shop/frontend@${DIGEST}`, true],
    [['registry.example.com/**'], 'registry.example.com/shop/frontend:1.0', true],
    [['registry.example.com/*'], 'registry.example.com/shop/frontend:1.0', false],
    [['registry.example.com/shop/*'], 'registry.example.com/shop/frontend:1.0', true],
    [['registry.example.com/shop/frontend'], `registry.example.com/shop/frontend@${DIGEST}`, true],
    [['registry.example.com/shop/frontend:1.*'], 'registry.example.com/shop/frontend:1.4', true],
    [['registry.example.com/shop/frontend:1.*'], 'registry.example.com/shop/frontend:2.0', false],
    [[`registry.example.com/shop/frontend@${DIGEST}`], `registry.example.com/shop/frontend:1.0@${DIGEST}`, true],
    [['docker.io/library/busybox'], 'busybox:latest', true],
    [['quay.io/**', 'registry.example.com/**'], 'registry.example.com/a:1', true],
    [['registry.example.com/**'], 'NOT a reference', false],
  ])('%j applies to %s: %s', (globs, reference, applies) => {
    expect(evaluate(scoped(...globs), [], image(reference)).results[0]?.applied).toBe(applies);
  });
});

describe('facts', () => {
  const check = (expression: string) => policies(policyYaml('facts', `validations:\n  - expression: ${JSON.stringify(expression)}\nvalidationActions: [Deny]`));

  it('maps verified signatures to the contract fields', () => {
    const expressions = [
      `signatures[0].fingerprint == '${RELEASE_KEY}'`,
      "signatures[0].signer.email == 'release@example.com' && signatures[0].issuer.commonName == 'Example CA'",
      "signatures[0].identity == 'registry.example.com/shop/frontend:1.0' && signatures[0].digest.startsWith('sha256:')",
      "signatures[0].created == timestamp('2026-01-01T00:00:00Z') && signatures[0].timestamp == signatures[0].created",
      "signatures[0].format == 'openpgp' && signatures[0].type == 'atomic' && signatures[0].reason == 'Verified' && !signatures[0].expired && !signatures[0].revoked",
      "signatures[0].trustRoot == 'release' && signatures[0].keyID == 'E4C94DF13613675A'",
    ];
    const key = 'D41902F7837351AEBB933DB0E4C94DF13613675A';
    for (const expression of expressions) expect(evaluate(check(expression), [trusted(key)]).decision, expression).toBe('Allowed');
  });

  it('gives null for what an unverified signature cannot tell', () => {
    const expression = 'signatures[0].fingerprint == null && signatures[0].signer.email == null && signatures[0].created == null && signatures[0].identity == null && signatures[0].keyID == "AAAAAAAAAAAAAAAA"';
    expect(evaluate(check(expression), [untrusted()]).decision).toBe('Allowed');
  });

  // A payload may sign any timestamp a Date holds; beyond CEL's range, arithmetic on it overflowed to
  // an invalid Date that compares false to everything (so `!(t + d < now)` held for any d).
  it('gives null for signature times beyond the range of a CEL timestamp (years 1 to 9999)', () => {
    const far = (created: string, timestamp: number) => ({ ...trusted(RELEASE_KEY), created, claims: { ...trusted(RELEASE_KEY).claims!, timestamp } });
    const none = check('signatures[0].created == null && signatures[0].timestamp == null');
    expect(evaluate(none, [far('+275760-09-13T00:00:00Z', 8_640_000_000_000)]).decision).toBe('Allowed');
    expect(evaluate(none, [far('-271821-04-20T00:00:00Z', -8_640_000_000_000)]).decision).toBe('Allowed');
    expect(evaluate(none, [far('+010000-01-01T00:00:00Z', 253_402_300_800)]).decision).toBe('Allowed');
    expect(evaluate(none, [far('0000-12-31T23:59:59Z', -62_135_596_801)]).decision).toBe('Allowed');
    const edges = check("signatures[0].created == timestamp('9999-12-31T23:59:59Z') && signatures[0].timestamp == timestamp('0001-01-01T00:00:00Z')");
    expect(evaluate(edges, [far('9999-12-31T23:59:59Z', -62_135_596_800)]).decision).toBe('Allowed');
  });

  it('parses the dockerImageReference into reference', () => {
    const expression = `reference.registry == 'registry.example.com' && reference.repository == 'shop/frontend' && reference.digest == '${DIGEST}' && reference.tag == null`;
    expect(evaluate(check(expression)).decision).toBe('Allowed');
  });

  it('reading reference of an Image without a valid dockerImageReference is a runtime error (fail closed)', () => {
    const set = check("reference.registry == 'registry.example.com'");
    const noReference = { apiVersion: 'image.openshift.io/v1', kind: 'Image', metadata: { name: DIGEST } };
    expect(evaluate(set, [trusted(RELEASE_KEY)], noReference)).toMatchObject({ decision: 'Denied', reason: 'PolicyError' });
    expect(evaluate(set, [trusted(RELEASE_KEY)], image('Not/A Reference'))).toMatchObject({ decision: 'Denied', reason: 'PolicyError' });
  });

  it('gives the raw image with integers as int, now, and request null outside admission', () => {
    const img = image(undefined, { metadata: { name: DIGEST, generation: 3 } });
    expect(evaluate(check('image.metadata.generation == 3 && now == timestamp("2026-06-01T00:00:00Z") && request == null'), [], img).decision).toBe('Allowed');
    expect(evaluate(check("request.kind == 'Pod'"), [], img, { request: { kind: 'Pod' } }).decision).toBe('Allowed');
  });

  it('quorum of two distinct trusted signers', () => {
    const quorum = check('size(signatures.filter(s, s.trusted && s.forImage).map(s, s.fingerprint).distinct()) >= 2');
    expect(evaluate(quorum, [trusted(RELEASE_KEY), trusted(RELEASE_KEY, undefined, 1)]).decision).toBe('Denied');
    expect(evaluate(quorum, [trusted(RELEASE_KEY), trusted(OTHER_KEY, undefined, 1)]).decision).toBe('Allowed');
  });
});

describe('bounds', () => {
  it('denies more signatures than the cap with TooLarge', () => {
    const many = Array.from({ length: 65 }, (_, i) => trusted(RELEASE_KEY, undefined, i));
    expect(evaluate(policies(requireTrusted), many)).toMatchObject({ decision: 'Denied', reason: 'TooLarge' });
    expect(evaluate(policies(requireTrusted), many.slice(0, 64)).decision).toBe('Allowed');
    expect(evaluate(policies(requireTrusted), many.slice(0, 3), image(), { maxSignatures: 2 }).reason).toBe('TooLarge');
  });

  it('denies an Image too large to give to policies that read it', () => {
    const set = policies(policyYaml('reads-image', 'validations:\n  - expression: "has(image.metadata)"\nvalidationActions: [Deny]'));
    const huge = image(undefined, { dockerImageLayers: Array.from({ length: 5000 }, () => ({ name: 'x' })) });
    expect(evaluate(set, [], huge)).toMatchObject({ decision: 'Denied', reason: 'TooLarge' });
    expect(evaluate(policies(requireTrusted), [trusted(RELEASE_KEY)], huge).decision).toBe('Allowed');
  });

  it('denies input that is not an Image, and an invalid evaluation time, as Indeterminate', () => {
    const set = policies(requireTrusted);
    const bad = { verdict: 'Untrusted' as const, signatures: [], image: null, changed: false, problems: [{ path: '.kind', message: 'not an Image' }] };
    expect(evaluatePolicies(set, {}, bad, { now: NOW }).reason).toBe('Indeterminate');
    expect(evaluate(set, [trusted(RELEASE_KEY)], image(), { now: new Date(Number.NaN) }).reason).toBe('Indeterminate');
  });
});

describe('variables', () => {
  it('are evaluated lazily: an unused failing variable does not fail the policy', () => {
    const set = policies(policyYaml('lazy', 'variables:\n  - name: broken\n    expression: "signatures[7].trusted"\nvalidations:\n  - expression: "true"\nvalidationActions: [Deny]'));
    expect(evaluate(set).decision).toBe('Allowed');
  });

  it('may use earlier variables, and a failing one fails the expressions that read it', () => {
    const set = policies(policyYaml('chain', `
variables:
  - name: a
    expression: "signatures.filter(s, s.trusted)"
  - name: b
    expression: "size(variables.a)"
  - name: c
    expression: "signatures[7].name"
validations:
  - expression: "variables.b == 1"
  - expression: "variables.c != ''"
validationActions: [Deny]`));
    const decision = evaluate(set);
    expect(decision).toMatchObject({ decision: 'Denied', reason: 'PolicyError' });
    expect(decision.message).toContain('variables.c');
  });

  it('evaluates each variable at most once per Image', () => {
    let calls = 0;
    const program: CelProgram = { type: 'int', identifiers: new Set(), evaluate: (): CelOutcome => ({ ok: true, value: BigInt(++calls) }) };
    const lazy = new LazyVariables(new Map([['x', program]]));
    lazy.bind({});
    expect([lazy.get('x'), lazy.get('x'), lazy.get('x')]).toEqual([1n, 1n, 1n]);
    expect(calls).toBe(1);
  });
});
