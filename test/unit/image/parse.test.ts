import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_CONTENT_BYTES,
  inputProblems,
  isImageProblems,
  parseImage,
  type ImageProblems,
  type ParsedImage,
} from '../../../src/image/parse.js';

const fixtures = new URL('../../fixtures/containers-image/', import.meta.url);
const MANIFEST = readFileSync(new URL('image.manifest.json', fixtures), 'utf8');
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const SIGNATURE = readFileSync(new URL('image.signature', fixtures));

function image(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: DIGEST },
    dockerImageReference: 'registry.example.com/ns/app@' + DIGEST,
    dockerImageManifest: MANIFEST,
    signatures: [{ metadata: { name: `${DIGEST}@0123` }, type: 'atomic', content: SIGNATURE.toString('base64') }],
    ...overrides,
  };
}

function parsed(doc: unknown): ParsedImage {
  const result = parseImage(doc);
  if (isImageProblems(result)) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}

function problemsOf(doc: unknown): ImageProblems['problems'] {
  const result = parseImage(doc);
  if (!isImageProblems(result)) throw new Error('expected problems');
  return result.problems;
}

describe('parseImage: a valid Image', () => {
  it('reads name, reference, manifest digest and decoded signatures', () => {
    const result = parsed(image());
    expect(result.name).toBe(DIGEST);
    expect(result.dockerImageReference).toBe(`registry.example.com/ns/app@${DIGEST}`);
    expect(result.manifestDigest).toEqual({ ok: true, digest: DIGEST });
    expect(result.signatures).toHaveLength(1);
    const sig = result.signatures[0]!;
    expect(sig).toMatchObject({ index: 0, name: `${DIGEST}@0123`, type: 'atomic' });
    expect(sig.content).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(sig.content!).equals(SIGNATURE)).toBe(true);
    expect(sig.contentProblem).toBeUndefined();
    expect(inputProblems(result)).toEqual([]);
  });

  it('accepts the legacy apiVersion v1, and absent kind/apiVersion (ImageList items)', () => {
    expect(parsed(image({ apiVersion: 'v1' })).name).toBe(DIGEST);
    const bare = image();
    delete bare['kind'];
    delete bare['apiVersion'];
    expect(parsed(bare).name).toBe(DIGEST);
  });

  it('treats absent or null signatures and manifest as empty', () => {
    const result = parsed(image({ signatures: null, dockerImageManifest: null, dockerImageReference: undefined }));
    expect(result.signatures).toEqual([]);
    expect(result.manifestDigest).toEqual({ ok: true, digest: DIGEST });
    expect('dockerImageReference' in result).toBe(false);
    expect(parsed(image({ dockerImageManifest: '' })).manifestDigest).toEqual({ ok: true, digest: DIGEST });
  });

  it('gives a signature without metadata the name ""', () => {
    const result = parsed(image({ signatures: [{ type: 'x509', content: 'AAAA' }] }));
    expect(result.signatures[0]).toMatchObject({ name: '', type: 'x509', content: new Uint8Array([0, 0, 0]) });
  });

  it('never reads the untrusted informative fields', () => {
    const doc = image();
    const sigs = doc['signatures'] as Record<string, unknown>[];
    Object.assign(sigs[0]!, {
      imageIdentity: 'evil', signedClaims: { 'docker-reference': 'evil' }, issuedBy: { commonName: 'evil' },
      issuedTo: { publicKeyID: 'EVIL' }, created: 'not a time', conditions: [{ type: 'Trusted', status: 'True' }],
    });
    const text = JSON.stringify(parsed(doc), (_k, v: unknown) => (v instanceof Uint8Array ? 'bytes' : v));
    expect(text).not.toContain('evil');
    expect(text).not.toContain('EVIL');
    expect(Object.keys(parsed(doc).signatures[0]!).sort()).toEqual(['content', 'index', 'name', 'type']);
  });

  it('ignores inherited properties', () => {
    const inherited = Object.create({ metadata: { name: DIGEST } }) as Record<string, unknown>;
    inherited['kind'] = 'Image';
    expect(problemsOf(inherited)).toEqual([{ path: '.metadata', message: 'metadata is missing' }]);
  });
});

describe('parseImage: documents that are not Images', () => {
  it.each([null, undefined, 'Image', 42, [image()]])('refuses a non-object %#', (doc) => {
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('');
  });

  it.each([
    ['kind Pod', { kind: 'Pod' }, '.kind', /kind must be "Image", not "Pod"/],
    ['kind not a string', { kind: 7 }, '.kind', /not a number/],
    ['apiVersion', { apiVersion: 'apps/v1' }, '.apiVersion', /apiVersion must be/],
    ['metadata missing', { metadata: undefined }, '.metadata', /missing/],
    ['metadata not an object', { metadata: 'x' }, '.metadata', /must be an object, not a string/],
    ['name missing', { metadata: {} }, '.metadata.name', /name is missing/],
    ['name empty', { metadata: { name: '' } }, '.metadata.name', /name is empty/],
    ['name not a string', { metadata: { name: 5 } }, '.metadata.name', /must be a string, not a number/],
    ['name not a digest', { metadata: { name: 'latest' } }, '.metadata.name', /invalid checksum digest format \("latest"\)/],
    ['name short hex', { metadata: { name: 'sha256:abcd' } }, '.metadata.name', /invalid checksum digest length/],
    ['name upper hex', { metadata: { name: DIGEST.toUpperCase() } }, '.metadata.name', /digest/],
    ['name md5', { metadata: { name: `md5:${'0'.repeat(32)}` } }, '.metadata.name', /unsupported digest algorithm/],
    ['reference not a string', { dockerImageReference: ['x'] }, '.dockerImageReference', /not an array/],
    ['manifest not a string', { dockerImageManifest: { schemaVersion: 2 } }, '.dockerImageManifest', /not an object/],
    ['signatures not an array', { signatures: {} }, '.signatures', /signatures must be an array/],
    ['signature not an object', { signatures: [{ type: 'atomic', content: 'AAAA' }, 'x'] }, '.signatures[1]', /must be an object, not a string/],
    ['signature type missing', { signatures: [{ content: 'AAAA' }] }, '.signatures[0].type', /type is missing/],
    ['signature type not a string', { signatures: [{ type: 1, content: 'AAAA' }] }, '.signatures[0].type', /must be a string/],
    ['signature content missing', { signatures: [{ type: 'atomic' }] }, '.signatures[0].content', /content is missing/],
    ['signature content not a string', { signatures: [{ type: 'atomic', content: [1] }] }, '.signatures[0].content', /base64 string, not an array/],
    ['signature name not a string', { signatures: [{ metadata: { name: 1 }, type: 'atomic', content: 'AAAA' }] }, '.signatures[0].metadata.name', /must be a string/],
    ['signature metadata not an object', { signatures: [{ metadata: 1, type: 'atomic', content: 'AAAA' }] }, '.signatures[0].metadata', /must be an object/],
  ])('%s', (_title, overrides, path, message) => {
    const problems = problemsOf(image(overrides));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toMatch(message);
  });

  it('reports every problem of a document, each with its path', () => {
    const problems = problemsOf({ kind: 'Pod', metadata: { name: 'x' }, signatures: [1, { type: 'atomic' }] });
    expect(problems.map((p) => p.path)).toEqual(['.kind', '.metadata.name', '.signatures[0]', '.signatures[1].content']);
  });

  it('keeps messages on one bounded line even for hostile names', () => {
    const [problem] = problemsOf(image({ metadata: { name: `bad\nname${'x'.repeat(5000)}` } }));
    expect(problem!.message).not.toContain('\n');
    expect(problem!.message.length).toBeLessThan(600);
  });
});

describe('parseImage: signature content', () => {
  it.each([
    ['not a multiple of 4', 'YWJj=', /multiple of 4/],
    ['missing padding', 'YQ', /multiple of 4/],
    ['junk characters', 'YW*j', /not valid standard base64/],
    ['base64url alphabet', 'a-_b', /not valid standard base64/],
    ['data after padding', 'YQ==YWJj', /not valid standard base64/],
    ['three padding characters', 'Y===', /not valid standard base64/],
    ['spaces', 'YW Jj', /not valid standard base64|multiple of 4/],
    ['empty', '', /empty/],
  ])('%s is a MalformedSignature for that signature only', (_title, content, message) => {
    const result = parsed(image({ signatures: [{ type: 'atomic', content }, { type: 'atomic', content: 'YWJj' }] }));
    const [bad, good] = result.signatures;
    expect(bad!.content).toBeNull();
    expect(bad!.contentProblem).toMatch(message);
    expect(bad!.contentTooLarge).toBeUndefined();
    expect(good!.content).toEqual(new Uint8Array([0x61, 0x62, 0x63]));
    expect(inputProblems(result)).toEqual([{ path: '.signatures[0].content', message: bad!.contentProblem }]);
  });

  it('skips CR and LF as Go encoding/json does', () => {
    const result = parsed(image({ signatures: [{ type: 'atomic', content: 'YW\r\nJj\nZA==' }] }));
    expect(result.signatures[0]!.content).toEqual(new TextEncoder().encode('abcd'));
  });

  it('marks content over the size cap as too large, at the exact boundary', () => {
    const sigs = [{ type: 'atomic', content: 'YWJj' }, { type: 'atomic', content: 'YWJjZA==' }];
    const result = parseImage(image({ signatures: sigs }), { maxContentBytes: 3 }) as ParsedImage;
    expect(result.signatures[0]!.content).toHaveLength(3);
    expect(result.signatures[1]).toMatchObject({ content: null, contentTooLarge: true });
    expect(result.signatures[1]!.contentProblem).toMatch(/too large: 4 bytes, the limit is 3/);
    expect(inputProblems(result)).toEqual([{ path: '.signatures[1].content', message: result.signatures[1]!.contentProblem }]);
  });

  it('defaults the cap to 4 MiB', () => {
    expect(DEFAULT_MAX_CONTENT_BYTES).toBe(4 * 1024 * 1024);
    const atCap = Buffer.alloc(DEFAULT_MAX_CONTENT_BYTES, 7).toString('base64');
    const overCap = Buffer.alloc(DEFAULT_MAX_CONTENT_BYTES + 1, 7).toString('base64');
    const result = parsed(image({ signatures: [{ type: 'atomic', content: atCap }, { type: 'atomic', content: overCap }] }));
    expect(result.signatures[0]!.content).toHaveLength(DEFAULT_MAX_CONTENT_BYTES);
    expect(result.signatures[1]!.contentTooLarge).toBe(true);
  });

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 300 })])('round-trips any bytes through standard base64', (bytes) => {
    const result = parsed(image({ signatures: [{ type: 'atomic', content: Buffer.from(bytes).toString('base64') }] }));
    expect(result.signatures[0]!.content).toEqual(bytes);
  });
});

describe('parseImage never throws', () => {
  const isResult = (r: ParsedImage | ImageProblems): boolean =>
    isImageProblems(r) ? r.problems.length > 0 && r.problems.every((p) => typeof p.path === 'string' && typeof p.message === 'string')
      : typeof r.name === 'string' && Array.isArray(r.signatures);

  test.prop([fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true })])(
    'for anything', (value) => {
      expect(isResult(parseImage(value))).toBe(true);
    });

  const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof(arb, fc.anything());
  const base64 = fc.oneof(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')), fc.string());
  const signature = fc.record(
    { metadata: maybe(fc.record({ name: maybe(fc.string()) })), type: maybe(fc.constantFrom('atomic', 'x509', '')), content: maybe(base64) },
    { requiredKeys: [] },
  );
  const imageShaped = fc.record(
    {
      apiVersion: maybe(fc.constantFrom('image.openshift.io/v1', 'v1')),
      kind: maybe(fc.constant('Image')),
      metadata: maybe(fc.record({ name: maybe(fc.constantFrom(DIGEST, `sha512:${'a'.repeat(128)}`, 'sha256:x')) })),
      dockerImageReference: maybe(fc.string()),
      dockerImageManifest: maybe(fc.oneof(fc.constant(MANIFEST), fc.json(), fc.string())),
      signatures: maybe(fc.array(maybe(signature), { maxLength: 4 })),
    },
    { requiredKeys: [] },
  );

  test.prop([imageShaped])('for random Image-shaped objects, and results are consistent', (doc) => {
    const result = parseImage(doc);
    expect(isResult(result)).toBe(true);
    if (isImageProblems(result)) return;
    for (const sig of result.signatures) {
      expect(sig.content === null).toBe(sig.contentProblem !== undefined);
    }
    expect(inputProblems(result)).toHaveLength(result.signatures.filter((s) => s.content === null).length);
  });
});
