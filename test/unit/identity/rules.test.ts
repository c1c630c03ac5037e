import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { isReferenceProblem, parseReference } from '../../../src/identity/reference.js';
import type { DockerReference } from '../../../src/identity/reference.js';
import type { IdentityRule } from '../../../src/identity/rules.js';
import {
  IDENTITY_RULE_TYPES,
  matchIdentity,
  parseIdentityRule,
  refMatchesPrefix,
  remapReference,
} from '../../../src/identity/rules.js';

interface Symmetric { a: string; b: string; match: boolean }
interface Asymmetric { imageRef: string; sigRef: string; match: boolean }
interface PrefixCase { ref: string; prefix: string; matches: boolean }
interface RemapCase { prefix: string; signedPrefix: string; ref: string; expected: string }
interface RemapMatchCase { prefix: string; signedPrefix: string; imageRef: string; sigRef: string; match: boolean }
interface Vectors {
  exactMatchTable: { cases: Symmetric[] };
  repositoryMatchTable: { cases: Symmetric[] };
  matchRepoDigestOrExactTable: { cases: Asymmetric[] };
  remapIdentityRefMatchesPrefix: { cases: PrefixCase[] };
  remapIdentityRemapReferencePrefix: { cases: RemapCase[] };
  remapIdentityMatches: { cases: RemapMatchCase[] };
}

const fixtures = new URL('../../fixtures/containers-image/', import.meta.url);
const vectors = JSON.parse(readFileSync(new URL('reference-match-vectors.json', fixtures), 'utf8')) as Vectors;
const exactRows = vectors.exactMatchTable.cases;
const repoRows = vectors.repositoryMatchTable.cases;
const rdoeRows = vectors.matchRepoDigestOrExactTable.cases;

const show = (s: string): string => JSON.stringify(s);
const symRows = (rows: Symmetric[]): [string, Symmetric][] =>
  rows.map((c, i) => [`#${i} ${show(c.a)} <-> ${show(c.b)} ${c.match ? 'match' : 'no match'}`, c]);
const asymRows = (rows: Asymmetric[]): [string, Asymmetric][] =>
  rows.map((c, i) => [`#${i} image ${show(c.imageRef)} sig ${show(c.sigRef)} ${c.match ? 'match' : 'no match'}`, c]);

const MATCH_EXACT: IdentityRule = { type: 'matchExact' };
const RDOE: IdentityRule = { type: 'matchRepoDigestOrExact' };
const MATCH_REPOSITORY: IdentityRule = { type: 'matchRepository' };
const REMAP_NO_MATCH: IdentityRule = { type: 'remapIdentity', prefix: 'does-not-match.com', signedPrefix: 'does-not-match.rewritten' };

/** Asserts the result and, for a mismatch, that the message is one readable line. */
function expectMatch(rule: IdentityRule, image: string, sig: string, want: boolean): void {
  const result = matchIdentity(rule, image, sig);
  expect(result.match, `${rule.type}: image ${show(image)} sig ${show(sig)}`).toBe(want);
  if (!result.match) expect(result.message).toMatch(/^[^\n]{10,}$/);
}

function both(rule: IdentityRule, c: Symmetric, want = c.match): void {
  expectMatch(rule, c.a, c.b, want);
  expectMatch(rule, c.b, c.a, want);
}

function ref(s: string): DockerReference {
  const r = parseReference(s);
  if (isReferenceProblem(r)) throw new Error(`fixture ${s} does not parse: ${r.problem}`);
  return r;
}

describe('exactMatchTable (symmetric)', () => {
  // Upstream skips rows whose image side does not parse (an image identity is always valid there);
  // here such rows run too and must not match, which is what every such row says.
  it.each(symRows(exactRows))('matchExact %s', (_n, c) => both(MATCH_EXACT, c));
  // The image identity is irrelevant to exactReference: pass an invalid one to prove it is ignored.
  it.each(symRows(exactRows))('exactReference %s', (_n, c) => {
    expectMatch({ type: 'exactReference', dockerReference: c.a }, '', c.b, c.match);
    expectMatch({ type: 'exactReference', dockerReference: c.b }, '', c.a, c.match);
  });
  const accepted = symRows(exactRows.filter((c) => c.match));
  it.each(accepted)('matchRepoDigestOrExact accepts %s', (_n, c) => both(RDOE, c));
  it.each(accepted)('remapIdentity (prefix not matched) accepts %s', (_n, c) => both(REMAP_NO_MATCH, c));
});

describe('repositoryMatchTable (symmetric)', () => {
  it.each(symRows(repoRows))('matchRepository %s', (_n, c) => both(MATCH_REPOSITORY, c));
  it.each(symRows(repoRows))('exactRepository %s', (_n, c) => {
    expectMatch({ type: 'exactRepository', dockerRepository: c.a }, '', c.b, c.match);
    expectMatch({ type: 'exactRepository', dockerRepository: c.b }, '', c.a, c.match);
  });
  const rejected = symRows(repoRows.filter((c) => !c.match));
  it.each(rejected)('matchRepoDigestOrExact rejects %s', (_n, c) => both(RDOE, c));
  it.each(rejected)('remapIdentity (prefix not matched) rejects %s', (_n, c) => both(REMAP_NO_MATCH, c));
});

describe('matchRepoDigestOrExactTable (image vs signature)', () => {
  it.each(asymRows(rdoeRows))('matchRepoDigestOrExact %s', (_n, c) => expectMatch(RDOE, c.imageRef, c.sigRef, c.match));
  // A remapIdentity whose prefix does not match is matchRepoDigestOrExact (formats.md 3.7).
  it.each(asymRows(rdoeRows))('remapIdentity (prefix not matched) %s', (_n, c) =>
    expectMatch(REMAP_NO_MATCH, c.imageRef, c.sigRef, c.match));
});

describe('remapIdentityRefMatchesPrefix', () => {
  const signedPrefix = 'docker.io/library/signed-prefix';
  const rows = vectors.remapIdentityRefMatchesPrefix.cases.map((c, i): [string, PrefixCase] =>
    [`#${i} ${show(c.ref)} prefix ${show(c.prefix)} ${c.matches ? 'matches' : 'does not match'}`, c]);
  it.each(rows)('%s', (_n, c) => {
    const r = ref(c.ref);
    expect(refMatchesPrefix(c.prefix, r)).toBe(c.matches);
    const remapped = remapReference(c.prefix, signedPrefix, r);
    if (isReferenceProblem(remapped)) throw new Error(remapped.problem);
    expect(remapped.canonical).toBe(c.matches ? signedPrefix + r.canonical.slice(c.prefix.length) : r.canonical);
  });
});

describe('remapIdentityRemapReferencePrefix', () => {
  const rows = vectors.remapIdentityRemapReferencePrefix.cases.map((c, i): [string, RemapCase] =>
    [`#${i} ${show(c.ref)} with ${show(c.prefix)} -> ${show(c.signedPrefix)} gives ${c.expected === '' ? 'an error' : show(c.expected)}`, c]);
  it.each(rows)('%s', (_n, c) => {
    const result = remapReference(c.prefix, c.signedPrefix, ref(c.ref));
    if (c.expected === '') {
      expect(isReferenceProblem(result)).toBe(true);
    } else {
      expect(isReferenceProblem(result) ? result.problem : result.canonical).toBe(c.expected);
    }
  });
});

describe('remapIdentityMatches (rule objects built directly, unvalidated)', () => {
  const rows = vectors.remapIdentityMatches.cases.map((c, i): [string, RemapMatchCase] =>
    [`#${i} ${show(c.prefix)} -> ${show(c.signedPrefix)}: image ${show(c.imageRef)} sig ${show(c.sigRef)} ${c.match ? 'match' : 'no match'}`, c]);
  it.each(rows)('%s', (_n, c) =>
    expectMatch({ type: 'remapIdentity', prefix: c.prefix, signedPrefix: c.signedPrefix }, c.imageRef, c.sigRef, c.match));
});

describe('matchIdentity messages', () => {
  it('names the invalid signed reference', () => {
    const r = matchIdentity(RDOE, 'busybox:latest', 'BAD');
    expect(r).toEqual({ match: false, message: 'invalid docker reference "BAD" in signature: repository name must be lowercase' });
  });
  it('says what was expected and what was signed', () => {
    const r = matchIdentity(MATCH_EXACT, 'busybox:latest', 'busybox:v2');
    expect(r.match).toBe(false);
    if (!r.match) {
      expect(r.message).toContain('"docker.io/library/busybox:v2"');
      expect(r.message).toContain('"docker.io/library/busybox:latest"');
      expect(r.message).toContain('matchExact');
    }
  });
  it('reports an invalid image identity', () => {
    const r = matchIdentity(MATCH_REPOSITORY, 'Nope', 'busybox');
    expect(r).toEqual({ match: false, message: 'Invalid image identity "Nope": repository name must be lowercase' });
  });
  it('explains a failed remap', () => {
    const rule: IdentityRule = { type: 'remapIdentity', prefix: 'docker.io/library/busybox', signedPrefix: 'busybox' };
    const r = matchIdentity(rule, 'busybox:latest', 'busybox:latest');
    expect(r.match).toBe(false);
    if (!r.match) expect(r.message).toContain('repository name must be canonical');
  });
  it('quotes hostile text on one bounded line', () => {
    const r = matchIdentity(RDOE, 'busybox:latest', `x\n${'y'.repeat(1000)}`);
    expect(r.match).toBe(false);
    if (!r.match) {
      expect(r.message).not.toContain('\n');
      expect(r.message.length).toBeLessThan(400);
    }
  });
  it('does not throw on malformed rules or non-string inputs', () => {
    const malformed = [{ type: 'bogus' }, null, { type: 'exactReference' }, { type: 'remapIdentity' }] as unknown as IdentityRule[];
    for (const rule of malformed) expect(matchIdentity(rule, 'busybox:latest', 'busybox:latest').match).toBe(false);
    expect(matchIdentity(RDOE, 5 as unknown as string, 'busybox:latest').match).toBe(false);
    expect(matchIdentity(RDOE, 'busybox:latest', undefined as unknown as string).match).toBe(false);
  });
});

describe('parseIdentityRule', () => {
  const okRules: [string, unknown, IdentityRule][] = [
    ['plain string matchExact', 'matchExact', { type: 'matchExact' }],
    ['plain string matchRepoDigestOrExact', 'matchRepoDigestOrExact', { type: 'matchRepoDigestOrExact' }],
    ['plain string matchRepository', 'matchRepository', { type: 'matchRepository' }],
    ['object matchExact', { type: 'matchExact' }, { type: 'matchExact' }],
    ['exactReference with tag', { type: 'exactReference', dockerReference: 'busybox:latest' }, { type: 'exactReference', dockerReference: 'busybox:latest' }],
    ['exactRepository with a tag (upstream allows it)', { type: 'exactRepository', dockerRepository: 'library/busybox:latest' }, { type: 'exactRepository', dockerRepository: 'library/busybox:latest' }],
    ['remapIdentity', { type: 'remapIdentity', prefix: 'private-mirror:5000/vendor-mirror', signedPrefix: 'vendor.example.com' },
      { type: 'remapIdentity', prefix: 'private-mirror:5000/vendor-mirror', signedPrefix: 'vendor.example.com' }],
  ];
  it.each(okRules)('accepts %s', (_n, input, want) => expect(parseIdentityRule(input)).toEqual(want));

  it('IDENTITY_RULE_TYPES lists the six rules', () => {
    expect([...IDENTITY_RULE_TYPES].sort()).toEqual(
      ['exactReference', 'exactRepository', 'matchExact', 'matchRepoDigestOrExact', 'matchRepository', 'remapIdentity']);
  });

  it('accepts every signedIdentity / baseLayerIdentity in the upstream policy.json fixture', () => {
    const found: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'signedIdentity' || k === 'baseLayerIdentity') found.push(x);
          else walk(x);
        }
      }
    };
    walk(JSON.parse(readFileSync(new URL('policy.json', fixtures), 'utf8')));
    expect(found.length).toBeGreaterThan(5);
    for (const rule of found) expect(() => parseIdentityRule(rule)).not.toThrow();
  });

  const bad: [string, unknown, RegExp][] = [
    ['null', null, /object or the name/],
    ['a number', 1, /object or the name/],
    ['an array', ['matchExact'], /object or the name/],
    ['unknown rule name', 'matchEverything', /Unknown policy reference match type "matchEverything"/],
    ['a parameterized rule as a plain string', 'exactReference', /needs dockerReference/],
    ['missing type', {}, /"type" missing/],
    ['non-string type', { type: 1 }, /"type" must be a string/],
    ['unknown type', { type: 'this is invalid' }, /Unknown policy reference match type/],
    ['unknown member', { type: 'matchExact', unexpected: 1 }, /unknown key "unexpected"/],
    ['member of another rule', { type: 'matchRepository', dockerReference: 'busybox:latest' }, /unknown key "dockerReference"/],
    ['exactReference without dockerReference', { type: 'exactReference' }, /"dockerReference" missing/],
    ['exactReference with a number', { type: 'exactReference', dockerReference: 1 }, /must be a string/],
    ['exactReference invalid', { type: 'exactReference', dockerReference: 'UPPERCASE' }, /Invalid format of dockerReference "UPPERCASE": repository name must be lowercase/],
    ['exactReference name-only', { type: 'exactReference', dockerReference: 'busybox' }, /contains neither a tag nor digest/],
    ['exactRepository invalid', { type: 'exactRepository', dockerRepository: 'INVALIDUPPERCASE' }, /Invalid format of dockerRepository/],
    ['exactRepository missing', { type: 'exactRepository' }, /"dockerRepository" missing/],
    ['remapIdentity without signedPrefix', { type: 'remapIdentity', prefix: 'example.com' }, /"signedPrefix" missing/],
    ['remapIdentity extra member', { type: 'remapIdentity', prefix: 'a.com', signedPrefix: 'b.com', x: 1 }, /unknown key "x"/],
  ];
  it.each(bad)('throws ConfigError for %s', (_n, input, message) => {
    expect(() => parseIdentityRule(input)).toThrow(ConfigError);
    expect(() => parseIdentityRule(input)).toThrow(message);
  });

  // containers/image TestValidateIdentityRemappingPrefix.
  const goodPrefixes = ['localhost', 'example.com', 'example.com:80', 'example.com/repo',
    'example.com/ns1/ns2/ns3/repo.with.dots-dashes_underscores',
    'example.com:80/ns1/ns2/ns3/repo.with.dots-dashes_underscores', 'shortname', 'ns/shortname'];
  const digest = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const badPrefixes = ['', 'repo_with_underscores', 'example.com/', 'example.com/UPPERCASEISINVALID', 'example.com/repo/',
    'example.com/repo:tag', `example.com/repo@${digest}`, `example.com/repo:tag@${digest}`];
  it.each(goodPrefixes)('remapIdentity accepts prefix/signedPrefix %j', (p) => {
    expect(parseIdentityRule({ type: 'remapIdentity', prefix: p, signedPrefix: 'example.com' })).toMatchObject({ prefix: p });
    expect(parseIdentityRule({ type: 'remapIdentity', prefix: 'example.com', signedPrefix: p })).toMatchObject({ signedPrefix: p });
  });
  it.each(badPrefixes)('remapIdentity refuses prefix/signedPrefix %j', (p) => {
    expect(() => parseIdentityRule({ type: 'remapIdentity', prefix: p, signedPrefix: 'example.com' })).toThrow(ConfigError);
    expect(() => parseIdentityRule({ type: 'remapIdentity', prefix: 'example.com', signedPrefix: p })).toThrow(/is not valid/);
  });
});
