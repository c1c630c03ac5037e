/**
 * Images for the audit tests: the six bundled examples (examples/README.md: trusted, tampered,
 * wrongly named, unsigned, with an unknown key) and any number of synthetic Images made from them
 * (a fresh name per Image, the examples' signatures copied over: each verifies, but for another
 * digest, so it is `Untrusted` with `DigestMismatch`; every tenth is unsigned). Labels `team=a|b`
 * alternate, for selector tests.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentsIn } from '../../src/edge/image-documents.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES_TRUST = join(ROOT, 'examples/trust');
/** The examples' evaluation time (examples/README.md). */
export const EXAMPLES_AT = '2026-06-01T00:00:00Z';

type Json = Record<string, unknown>;

/** The bundled example Images, in file order. */
export function exampleImages(): Json[] {
  const dir = join(ROOT, 'examples/images');
  const out: Json[] = [];
  for (const file of readdirSync(dir).sort()) {
    for (const doc of documentsIn(file, readFileSync(join(dir, file)))) {
      if ('image' in doc) out.push(structuredClone(doc.image as Json));
    }
  }
  return out;
}

/** `count` synthetic Images built from the examples' signatures. */
export function syntheticImages(count: number, seed = 'synthetic'): Json[] {
  const signatures = exampleImages().flatMap((image) => (Array.isArray(image['signatures']) ? (image['signatures'] as Json[]) : []));
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    const digest = `sha256:${createHash('sha256').update(`${seed}-${i}`).digest('hex')}`;
    const signed = i % 10 !== 9;
    const sig = signatures[i % signatures.length] as Json;
    out.push({
      apiVersion: 'image.openshift.io/v1',
      kind: 'Image',
      metadata: { name: digest, labels: { team: i % 2 === 0 ? 'a' : 'b' } },
      dockerImageReference: `registry.example.com/shop/app-${i}@${digest}`,
      signatures: signed ? [{ metadata: { name: `${digest}@${createHash('sha256').update(String(i)).digest('hex').slice(0, 32)}` }, type: 'atomic', content: sig['content'] }] : [],
    });
  }
  return out;
}

/** Names of Images. */
export function namesOf(images: readonly Json[]): string[] {
  return images.map((image) => String((image['metadata'] as Json)['name']));
}
