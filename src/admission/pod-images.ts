/**
 * The container images of an untrusted Pod: init containers, containers and ephemeral containers,
 * in the order the kubelet starts them. Never throws.
 */
import { isObject } from './review.js';

export type ContainerKind = 'initContainer' | 'container' | 'ephemeralContainer';

/** One container's image reference, exactly as written in the Pod (not yet parsed). */
export interface ContainerImage {
  readonly kind: ContainerKind;
  readonly name: string;
  readonly image: string;
}

/** More containers than this in one Pod is refused (the body is bounded anyway; this bounds the work). */
export const MAX_POD_CONTAINERS = 1000;

const FIELDS: readonly (readonly [string, ContainerKind])[] = [
  ['initContainers', 'initContainer'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

/** Every container image of a Pod, or why the document is not a Pod with containers. */
export function podImages(untrustedPod: unknown): readonly ContainerImage[] | { readonly problem: string } {
  if (!isObject(untrustedPod)) return { problem: 'the Pod is missing' };
  const spec = untrustedPod['spec'];
  if (!isObject(spec)) return { problem: 'the Pod has no spec' };
  const images: ContainerImage[] = [];
  for (const [field, kind] of FIELDS) {
    const list = spec[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return { problem: `spec.${field} is not a list` };
    for (const [index, container] of list.entries()) {
      if (!isObject(container)) return { problem: `spec.${field}[${index}] is not an object` };
      const name = typeof container['name'] === 'string' ? container['name'] : `#${index}`;
      // A missing image is kept as '' so that it is denied as an invalid reference, not skipped.
      images.push({ kind, name, image: typeof container['image'] === 'string' ? container['image'] : '' });
      if (images.length > MAX_POD_CONTAINERS) return { problem: `more than ${MAX_POD_CONTAINERS} containers` };
    }
  }
  if (!images.some((image) => image.kind === 'container')) return { problem: 'spec.containers is empty' };
  return images;
}

/**
 * On a Pod UPDATE, the images that are new: a container whose image differs from the same
 * container (kind and name) in the old Pod, or a container the old Pod did not have. Judging only
 * these keeps label and status updates of running Pods working after a key rotation, while
 * `kubectl set image` and new ephemeral containers are still judged. An unreadable old Pod makes
 * every image new.
 */
export function changedImages(images: readonly ContainerImage[], untrustedOldPod: unknown): readonly ContainerImage[] {
  const old = podImages(untrustedOldPod);
  if ('problem' in old) return images;
  const before = new Map(old.map((c) => [`${c.kind}\n${c.name}`, c.image]));
  return images.filter((c) => before.get(`${c.kind}\n${c.name}`) !== c.image);
}
