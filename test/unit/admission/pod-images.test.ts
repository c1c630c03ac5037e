import { describe, expect, it } from 'vitest';
import { reviewFixture } from '../../helpers/admission-reviews.js';
import { changedImages, MAX_POD_CONTAINERS, podImages } from '../../../src/admission/pod-images.js';

const fixture = reviewFixture;

describe('podImages', () => {
  it('lists init containers, containers and ephemeral containers in start order', () => {
    const pod = fixture('pod-create.json')['request'].object;
    pod.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    expect(podImages(pod)).toEqual([
      { kind: 'initContainer', name: 'migrate', image: expect.stringContaining('shop/backend@sha256:') },
      { kind: 'container', name: 'frontend', image: expect.stringContaining('shop/frontend@sha256:') },
      { kind: 'container', name: 'proxy', image: 'registry.example.com/shop/proxy:1.0' },
      { kind: 'ephemeralContainer', name: 'dbg', image: 'busybox' },
    ]);
  });

  it('keeps a missing image as an empty reference (to be denied, never skipped)', () => {
    expect(podImages({ spec: { containers: [{ name: 'x' }] } })).toEqual([{ kind: 'container', name: 'x', image: '' }]);
  });

  it.each([
    ['no Pod', undefined],
    ['no spec', { metadata: {} }],
    ['containers not a list', { spec: { containers: {} } }],
    ['a container not an object', { spec: { containers: ['nginx'] } }],
    ['no containers', { spec: { containers: [] } }],
    ['too many containers', { spec: { containers: Array.from({ length: MAX_POD_CONTAINERS + 1 }, (_, i) => ({ name: `c${i}`, image: 'a' })) } }],
  ])('refuses %s', (_what, pod) => {
    expect(podImages(pod)).toHaveProperty('problem');
  });
});

describe('changedImages', () => {
  it('on the ephemeral containers subresource, only the new ephemeral container is new', () => {
    const review = fixture('pod-ephemeral-update.json')['request'];
    const images = podImages(review.object);
    if ('problem' in images) throw new Error(images.problem);
    expect(changedImages(images, review.oldObject)).toEqual([{ kind: 'ephemeralContainer', name: 'debugger-x7k2p', image: 'registry.example.com/tools/debug:latest' }]);
  });

  it('a changed image of an existing container is new; an unchanged one is not', () => {
    const before = { spec: { containers: [{ name: 'a', image: 'x@sha256:' + '1'.repeat(64) }, { name: 'b', image: 'y:1' }] } };
    const after = { spec: { containers: [{ name: 'a', image: 'x@sha256:' + '1'.repeat(64) }, { name: 'b', image: 'y:2' }] } };
    const images = podImages(after);
    if ('problem' in images) throw new Error(images.problem);
    expect(changedImages(images, before)).toEqual([{ kind: 'container', name: 'b', image: 'y:2' }]);
  });

  it('an unreadable old Pod makes every image new', () => {
    const images = podImages({ spec: { containers: [{ name: 'a', image: 'x:1' }] } });
    if ('problem' in images) throw new Error(images.problem);
    expect(changedImages(images, null)).toEqual(images);
  });
});
