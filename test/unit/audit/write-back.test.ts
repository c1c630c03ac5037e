import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { shouldWrite, writeBackProblem } from '../../../src/audit/write-back.js';
import { createEngine } from '../../../src/engine.js';
import { readTrustSources } from '../../../src/edge/trust-input.js';
import { EXAMPLES_AT, EXAMPLES_TRUST, exampleImages, syntheticImages } from '../../helpers/audit-images.js';

type Json = Record<string, unknown>;
const base = (): Json => structuredClone(exampleImages().find((i) => Array.isArray(i['signatures']) && (i['signatures'] as unknown[]).length > 1)!);
const sigs = (image: Json): Json[] => image['signatures'] as Json[];

describe('write-back guard', () => {
  it('writes only changed Images, and only with --write-conditions', () => {
    expect(shouldWrite(true, true)).toBe(true);
    expect(shouldWrite(false, true)).toBe(false);
    expect(shouldWrite(true, false)).toBe(false);
  });

  it('allows conditions, informative fields and the type members a list item lacks', () => {
    const before = base();
    delete before['kind'];
    const after = structuredClone(before);
    after['kind'] = 'Image';
    Object.assign(sigs(after)[0]!, {
      conditions: [{ type: 'Trusted', status: 'True' }, { type: 'ForImage', status: 'True' }],
      imageIdentity: 'x', signedClaims: { a: 'b' }, created: '2026-01-01T00:00:00Z', issuedBy: { commonName: 'c' }, issuedTo: { publicKeyID: 'd' },
    });
    expect(writeBackProblem(before, after)).toBeNull();
  });

  it.each([
    ['a signature removed', (i: Json) => sigs(i).pop()],
    ['a signature added', (i: Json) => sigs(i).push({ type: 'atomic', content: 'AA==' })],
    ['signatures reordered', (i: Json) => sigs(i).reverse()],
    ['content blanked', (i: Json) => (sigs(i)[0]!['content'] = '')],
    ['type changed', (i: Json) => (sigs(i)[0]!['type'] = 'x509')],
    ['signature renamed', (i: Json) => (sigs(i)[0]!['metadata'] = { name: 'other@x' })],
    ['metadata changed', (i: Json) => ((i['metadata'] as Json)['labels'] = { a: 'b' })],
    ['manifest changed', (i: Json) => (i['dockerImageManifest'] = '{}')],
    ['kind changed', (i: Json) => (i['kind'] = 'ImageStream')],
    ['a foreign condition changed', (i: Json) => (sigs(i)[0]!['conditions'] = [{ type: 'Custom', status: 'True' }])],
  ])('refuses %s', (_what, change) => {
    const before = base();
    const after = structuredClone(before);
    change(after);
    expect(writeBackProblem(before, after)).not.toBeNull();
  });

  test.prop([fc.integer({ min: 0, max: 40 }), fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })], { numRuns: 30 })(
    'whatever the engine writes passes the guard',
    async (i, at) => {
      const engine = await enginePromise;
      const image = [...exampleImages(), ...syntheticImages(41)][i]!;
      const once = engine.verifyImage(image, { at: new Date(EXAMPLES_AT) }).image!;
      expect(writeBackProblem(image, once)).toBeNull();
      const twice = engine.verifyImage(once, { at }).image!;
      expect(writeBackProblem(once, twice)).toBeNull();
    },
  );
});

const enginePromise = readTrustSources([EXAMPLES_TRUST]).then((trust) => createEngine({ trust, clock: () => new Date(EXAMPLES_AT) }));
