/**
 * Test helpers: OpenShift `Image` objects (`image.openshift.io/v1`) built from signature fixture
 * files, the fixed evaluation time of the fixture corpora, and fixture file access. Tests read
 * fixtures only from `test/fixtures`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';

/** The evaluation time every fixture README states its expected verdicts for. */
export const FIXED_NOW = new Date('2026-01-01T00:00:00Z');

/** `sha256` of `containers-image/image.manifest.json` (containers/image TestImageManifestDigest). */
export const TEST_MANIFEST_DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';

/** `test/fixtures/` as a directory URL. */
export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** A URL inside `test/fixtures/`, e.g. `fixture('pgp/keys/rsa2048.asc')`. */
export function fixture(relativePath: string): URL {
  return new URL(relativePath, FIXTURES);
}

/** The bytes of a fixture file. */
export function readFixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(fixture(relativePath)));
}

/** The text (UTF-8) of a fixture file. */
export function readFixtureText(relativePath: string): string {
  return readFileSync(fixture(relativePath), 'utf8');
}

/** Relative paths (to `test/fixtures/`) of the regular files directly inside a fixture folder, sorted. */
export function listFixtures(relativeDir: string): string[] {
  const dir = relativeDir.endsWith('/') ? relativeDir : `${relativeDir}/`;
  return readdirSync(fixture(dir))
    .filter((name) => statSync(fixture(dir + name)).isFile())
    .sort()
    .map((name) => dir + name);
}

/** Relative paths (to `test/fixtures/`) of the folders directly inside a fixture folder, sorted. */
export function listFixtureDirs(relativeDir: string): string[] {
  const dir = relativeDir.endsWith('/') ? relativeDir : `${relativeDir}/`;
  return readdirSync(fixture(dir))
    .filter((name) => statSync(fixture(dir + name)).isDirectory())
    .sort()
    .map((name) => dir + name);
}

/** `sha256:<hex>` of some bytes or text. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface ImageSpec {
  /** `metadata.name`; default: the digest of `manifest` when given, else TestImageManifestDigest. */
  readonly digest?: string;
  /** Default: `<repository>@<digest>` with repository `registry.example.com/ns/app`. */
  readonly dockerImageReference?: string;
  /** Written to `dockerImageManifest` (bytes are decoded as UTF-8). */
  readonly manifest?: string | Uint8Array;
  /** Raw signature blobs, in order. */
  readonly signatures: readonly Uint8Array[];
  /** `ImageSignature.type`; default `atomic`. */
  readonly type?: string;
}

export type ImageObject = Record<string, unknown> & {
  readonly metadata: { readonly name: string };
  readonly signatures: ReadonlyArray<Record<string, unknown>>;
};

/**
 * An OpenShift Image carrying `signatures` as `ImageSignature`s: `metadata.name` is
 * `<image digest>@<32 hex>` (unique per position and content), `type` `atomic`, `content` the
 * standard padded base64 of the blob.
 */
export function buildImage(spec: ImageSpec): ImageObject {
  const manifest = spec.manifest === undefined ? undefined : typeof spec.manifest === 'string' ? spec.manifest : new TextDecoder().decode(spec.manifest);
  const digest = spec.digest ?? (manifest === undefined ? TEST_MANIFEST_DIGEST : sha256Digest(manifest));
  const reference = spec.dockerImageReference ?? `registry.example.com/ns/app@${digest}`;
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'Image',
    metadata: { name: digest },
    dockerImageReference: reference,
    ...(manifest === undefined ? {} : { dockerImageManifest: manifest }),
    signatures: spec.signatures.map((content, index) => signatureObject(digest, content, index, spec.type ?? 'atomic')),
  };
}

/** One `ImageSignature` element as OpenShift stores it. */
export function signatureObject(imageDigest: string, content: Uint8Array, index = 0, type = 'atomic'): Record<string, unknown> {
  const id = createHash('sha256').update(`${index}:`).update(content).digest('hex').slice(0, 32);
  return {
    metadata: { name: `${imageDigest}@${id}` },
    type,
    content: Buffer.from(content).toString('base64'),
  };
}

/** An Image with one signature read from a fixture file. */
export function imageFromFixtures(signatureFiles: readonly string[], spec: Omit<ImageSpec, 'signatures'> = {}): ImageObject {
  return buildImage({ ...spec, signatures: signatureFiles.map(readFixture) });
}
