/**
 * AdmissionReview requests for the admission tests, built on the recorded-shape fixtures in
 * `test/fixtures/admission/`, and the example Images of `examples/images/` (trusted `frontend`,
 * `backend` and `catalog`; `tampered` (DigestMismatch); `unsigned`; `payments` (IdentityMismatch)).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const ROOT = new URL('../../', import.meta.url);

// JSON documents, read by path in tests: typing every Kubernetes shape would only restate it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A deep copy of a recorded-shape review in `test/fixtures/admission/`. */
export function reviewFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`test/fixtures/admission/${name}`, ROOT), 'utf8')) as Json;
}

function example(path: string): Json {
  const text = readFileSync(new URL(`examples/images/${path}`, ROOT), 'utf8');
  return (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Json;
}

const list = example('list.yaml');

/** The example Images by short name, as fresh copies. */
export const EXAMPLE_IMAGES = {
  frontend: () => example('frontend.json'),
  backend: () => example('backend.yaml'),
  tampered: () => example('tampered.json'),
  unsigned: () => example('unsigned.json'),
  catalog: () => structuredClone(list['items'][0]) as Json,
  payments: () => structuredClone(list['items'][1]) as Json,
} as const;
export type ExampleName = keyof typeof EXAMPLE_IMAGES;

/** Every example Image, by digest (what a fake Image API serves). */
export function examplesByDigest(): Map<string, Json> {
  return new Map(Object.values(EXAMPLE_IMAGES).map((make) => {
    const image = make();
    return [image['metadata']['name'] as string, image] as const;
  }));
}

/** `<repository>@<digest>` of an example Image: how a Pod pins it. */
export function pinned(name: ExampleName): string {
  return EXAMPLE_IMAGES[name]()['dockerImageReference'] as string;
}

let counter = 0;
const nextUid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

/** An Image CREATE (or UPDATE, with the old object) review in the recorded shape. */
export function imageReview(image: unknown, options: { operation?: string; oldImage?: unknown; dryRun?: boolean; uid?: string } = {}): Json {
  const review = reviewFixture(options.operation === 'UPDATE' ? 'image-update.json' : 'image-create.json');
  const request = review['request'];
  request.uid = options.uid ?? nextUid();
  request.operation = options.operation ?? 'CREATE';
  request.object = image;
  request.oldObject = options.oldImage ?? (request.operation === 'UPDATE' ? request.oldObject : null);
  request.name = (image as Json | null)?.['metadata']?.['name'] ?? '';
  request.dryRun = options.dryRun ?? false;
  return review;
}

/** A Pod CREATE review (recorded shape) whose containers use these images. */
export function podReview(containers: readonly string[], options: { init?: readonly string[]; ephemeral?: readonly string[]; namespace?: string; uid?: string } = {}): Json {
  const review = reviewFixture('pod-create.json');
  const request = review['request'];
  request.uid = options.uid ?? nextUid();
  if (options.namespace !== undefined) {
    request.namespace = options.namespace;
    request.object.metadata.namespace = options.namespace;
  }
  const template = request.object.spec.containers[0];
  const make = (image: string, i: number, prefix: string): Json => ({ ...(template as Json), name: `${prefix}${i}`, image });
  request.object.spec.containers = containers.map((image, i) => make(image, i, 'c'));
  request.object.spec.initContainers = (options.init ?? []).map((image, i) => make(image, i, 'init'));
  if (options.ephemeral !== undefined) request.object.spec.ephemeralContainers = options.ephemeral.map((image, i) => ({ name: `debug${i}`, image }));
  return review;
}
