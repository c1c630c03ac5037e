import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { computeManifestDigest, joseBase64UrlDecode } from '../../../src/image/manifest-digest.js';
import { isImageProblems, parseImage, type ParsedImage } from '../../../src/image/parse.js';

const fixtures = new URL('../../fixtures/containers-image/', import.meta.url);
const MANIFEST = readFileSync(new URL('image.manifest.json', fixtures), 'utf8');
const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const V2S1_INVALID = readFileSync(new URL('v2s1-invalid-signatures.manifest.json', fixtures), 'utf8');

const sha = (algorithm: string, text: string | Uint8Array): string => `${algorithm}:${createHash(algorithm).update(text).digest('hex')}`;
const b64url = (data: string | Uint8Array): string => Buffer.from(data).toString('base64url');

function digestOf(manifest: string, name: string): ParsedImage['manifestDigest'] {
  const result = parseImage({ kind: 'Image', metadata: { name }, dockerImageManifest: manifest });
  if (isImageProblems(result)) throw new Error(JSON.stringify(result.problems));
  return result.manifestDigest;
}

/** The unsigned payload a docker/libtrust signer starts from: pretty JSON, 3-space indent. */
const PAYLOAD = JSON.stringify(
  { schemaVersion: 1, name: 'library/busybox', tag: 'latest', architecture: 'amd64', fsLayers: [{ blobSum: sha('sha256', 'layer') }], history: [] },
  null,
  3,
);

interface Header { formatLength?: unknown; formatTail?: unknown; time?: string }

/** Signs `payload` as libtrust `NewJSONSignature` + `Sign` + `PrettySignature` would (ES256). */
function signSchema1(payload: string, headers: Header[] = [{}], tamper: (sigs: Record<string, unknown>[]) => void = () => {}): string {
  const closeIndex = payload.trimEnd().length - 1;
  const formatLength = payload.slice(0, closeIndex).trimEnd().length;
  const formatTail = payload.slice(formatLength);
  const signatures = headers.map((override) => {
    const header = { formatLength, formatTail: b64url(formatTail), time: '2025-08-01T00:00:00Z', ...override };
    const protectedHeader = b64url(JSON.stringify(header));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = sign('sha256', Buffer.from(`${protectedHeader}.${b64url(payload)}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return { header: { jwk: publicKey.export({ format: 'jwk' }), alg: 'ES256' }, signature: b64url(signature), protected: protectedHeader };
  });
  tamper(signatures);
  const indented = JSON.stringify(signatures, null, 3).replace(/\n/g, '\n   ');
  return `${payload.slice(0, formatLength)},\n   "signatures": ${indented}${formatTail}`;
}

describe('manifest digest: schema 2 / OCI', () => {
  it('is the sha256 of the raw bytes of the upstream manifest fixture', () => {
    expect(computeManifestDigest(MANIFEST, 'sha256')).toEqual({ ok: true, digest: DIGEST });
    expect(digestOf(MANIFEST, DIGEST)).toEqual({ ok: true, digest: DIGEST });
  });

  it('reports a modified manifest as a mismatch with the image name', () => {
    const modified = MANIFEST.replace('"size": 7023', '"size": 7024');
    expect(modified).not.toBe(MANIFEST);
    expect(digestOf(modified, DIGEST)).toEqual({
      ok: false,
      problem: `manifest digest ${sha('sha256', modified)} does not match image name ${DIGEST}`,
    });
    expect(digestOf(`${MANIFEST}\n`, DIGEST).ok).toBe(false);
  });

  it('hashes with the image name\'s algorithm', () => {
    const name512 = sha('sha512', MANIFEST);
    expect(digestOf(MANIFEST, name512)).toEqual({ ok: true, digest: name512 });
    expect(digestOf(MANIFEST, sha('sha384', MANIFEST))).toEqual({ ok: true, digest: sha('sha384', MANIFEST) });
    expect(digestOf(MANIFEST, `sha512:${'0'.repeat(128)}`).ok).toBe(false);
  });

  it('hashes non-JSON and non-ASCII text as UTF-8', () => {
    expect(computeManifestDigest('not json é', 'sha256')).toEqual({ ok: true, digest: sha('sha256', Buffer.from('not json é', 'utf8')) });
  });
});

describe('manifest digest: schema 1 signed manifests (JWS stripped as docker/libtrust does)', () => {
  const expected = sha('sha256', PAYLOAD);

  it('digests the payload without the signatures', () => {
    const signed = signSchema1(PAYLOAD);
    expect(signed).toContain('"signatures"');
    expect(JSON.parse(signed)).toMatchObject({ schemaVersion: 1, name: 'library/busybox' });
    expect(computeManifestDigest(signed, 'sha256')).toEqual({ ok: true, digest: expected });
    expect(digestOf(signed, expected)).toEqual({ ok: true, digest: expected });
  });

  it('accepts several signatures that agree on the format', () => {
    const signed = signSchema1(PAYLOAD, [{}, { time: '2026-01-01T00:00:00Z' }]);
    expect(computeManifestDigest(signed, 'sha256')).toEqual({ ok: true, digest: expected });
  });

  it('does not accept the raw-bytes digest as the name', () => {
    const signed = signSchema1(PAYLOAD);
    const result = digestOf(signed, sha('sha256', signed));
    expect(result).toEqual({ ok: false, problem: `manifest digest ${expected} does not match image name ${sha('sha256', signed)}` });
  });

  it('reports a modified signed manifest as a mismatch', () => {
    const signed = signSchema1(PAYLOAD).replace('library/busybox', 'library/busybax');
    expect(digestOf(signed, expected).ok).toBe(false);
  });

  it('fails for the upstream v2s1-invalid-signatures fixture, whatever the name', () => {
    expect(computeManifestDigest(V2S1_INVALID, 'sha256').ok).toBe(false);
    const rawDigest = sha('sha256', V2S1_INVALID);
    expect(rawDigest).toBe('sha256:dc6d2c1a204b02b1ed4d0a9b29f075d24317a37da08041f89a88a2ebffbe46d8');
    const result = digestOf(V2S1_INVALID, rawDigest);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/schema 1 manifest signatures cannot be stripped/);
  });

  it.each([
    ['an empty signatures array', () => signSchema1(PAYLOAD, [], () => {})],
    ['conflicting format lengths', () => signSchema1(PAYLOAD, [{}, { formatLength: 3 }])],
    ['conflicting format tails', () => signSchema1(PAYLOAD, [{}, { formatTail: b64url('\n }') }])],
    ['a missing format length', () => signSchema1(PAYLOAD, [{ formatLength: undefined }])],
    ['a string format length', () => signSchema1(PAYLOAD, [{ formatLength: '10' }])],
    ['a format length past the end', () => signSchema1(PAYLOAD, [{ formatLength: 1e6 }])],
    ['a negative format length', () => signSchema1(PAYLOAD, [{ formatLength: -5 }])],
    ['a missing format tail', () => signSchema1(PAYLOAD, [{ formatTail: undefined }])],
    ['a format tail that is not base64url', () => signSchema1(PAYLOAD, [{ formatTail: 'a+b/' }])],
    ['a protected header that is not base64url', () => signSchema1(PAYLOAD, [{}], (s) => { s[0]!['protected'] = '***'; })],
    ['a protected header that is not JSON', () => signSchema1(PAYLOAD, [{}], (s) => { s[0]!['protected'] = b64url('{'); })],
    ['a protected header that is null', () => signSchema1(PAYLOAD, [{}], (s) => { s[0]!['protected'] = b64url('null'); })],
    ['a missing header (Go panics)', () => signSchema1(PAYLOAD, [{}], (s) => { delete s[0]!['header']; })],
    ['a jwk that is not a key', () => signSchema1(PAYLOAD, [{}], (s) => { s[0]!['header'] = { jwk: null, alg: 'ES256' }; })],
    ['a signature that is not a string', () => signSchema1(PAYLOAD, [{}], (s) => { s[0]!['signature'] = 1; })],
    ['a signature block that is not an object', () => signSchema1(PAYLOAD, [{}], (s) => { s[0] = 'x' as never; })],
  ])('fails closed for %s', (_title, make) => {
    const result = computeManifestDigest(make(), 'sha256');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^schema 1 manifest signatures cannot be stripped: /);
  });

  it('reads the format from the protected header, not the manifest layout', () => {
    // A shorter formatLength with a matching tail still rebuilds the exact payload.
    const tailStart = PAYLOAD.lastIndexOf('\n   "history"');
    const signed = signSchema1(PAYLOAD, [{ formatLength: tailStart, formatTail: b64url(PAYLOAD.slice(tailStart)) }]);
    expect(computeManifestDigest(signed, 'sha256')).toEqual({ ok: true, digest: expected });
  });

  it('follows GuessMIMEType: a recognized mediaType or unsigned schema 1 is hashed raw', () => {
    const schema2 = JSON.stringify({ schemaVersion: 1, mediaType: 'application/vnd.oci.image.manifest.v1+json', signatures: 1 });
    expect(computeManifestDigest(schema2, 'sha256')).toEqual({ ok: true, digest: sha('sha256', schema2) });
    const unsigned = JSON.stringify({ schemaVersion: 1, name: 'x', signatures: null });
    expect(computeManifestDigest(unsigned, 'sha256')).toEqual({ ok: true, digest: sha('sha256', unsigned) });
    const stringVersion = JSON.stringify({ schemaVersion: '1', signatures: 1 });
    expect(computeManifestDigest(stringVersion, 'sha256').ok).toBe(true);
  });

  it('matches JSON field names case-insensitively for the type guess, like Go', () => {
    const signed = signSchema1(PAYLOAD).replace('"schemaVersion"', '"SchemaVersion"');
    expect(computeManifestDigest(signed, 'sha256')).toEqual({ ok: true, digest: sha('sha256', PAYLOAD.replace('"schemaVersion"', '"SchemaVersion"')) });
  });

  test.prop([fc.string({ unit: 'binary' }), fc.json()])('never throws for any manifest text', (text, json) => {
    for (const manifest of [text, json, `{"schemaVersion":1,"signatures":${json}}`]) {
      const result = computeManifestDigest(manifest, 'sha256');
      expect(result.ok ? /^sha256:[0-9a-f]{64}$/.test(result.digest) : result.problem.length > 0).toBe(true);
    }
  });
});

describe('joseBase64UrlDecode', () => {
  it('restores padding, ignores newlines and spaces, refuses the standard alphabet', () => {
    expect(joseBase64UrlDecode('YQ')).toEqual(new Uint8Array([0x61]));
    expect(joseBase64UrlDecode('YQ=')).toEqual(new Uint8Array([0x61]));
    expect(joseBase64UrlDecode('Y Q\n')).toEqual(new Uint8Array([0x61]));
    expect(joseBase64UrlDecode('_-8')).toEqual(new Uint8Array([0xff, 0xef]));
    expect(joseBase64UrlDecode('Y')).toBeNull();
    expect(joseBase64UrlDecode('+/8')).toBeNull();
    expect(joseBase64UrlDecode('YQ==YQ')).toBeNull();
  });
});
