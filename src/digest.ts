/** OCI digests as containers/image validates them: algorithm and exact lower-case hex length. */
// A Map: an object literal would answer `constructor` and the other names on its prototype.
const HEX_LENGTH: ReadonlyMap<string, number> = new Map([['sha256', 64], ['sha384', 96], ['sha512', 128]]);

/** 1 for `0-9` and `a-f`, 0 for every other code unit below 128. */
const LOWER_HEX = new Uint8Array(128);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;

/** Returns null when `value` is a valid `algo:hex` digest, or a one-line description of the problem. */
export function digestProblem(value: string): string | null {
  // The common case, decided without slicing or regular expressions; anything else takes the full path.
  if (value.length === 71 && value.startsWith('sha256:') && isLowerHex(value, 7)) return null;
  const colon = value.indexOf(':');
  if (colon <= 0) return 'invalid checksum digest format';
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm)) return 'invalid checksum digest format';
  const length = HEX_LENGTH.get(algorithm);
  if (length === undefined) return 'unsupported digest algorithm';
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest length';
  return null;
}

export function isValidDigest(value: string): boolean {
  return digestProblem(value) === null;
}

/** Every code unit of `value` from `start` on is `0-9` or `a-f` (true for an empty tail). */
function isLowerHex(value: string, start: number): boolean {
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || LOWER_HEX[c] === 0) return false;
  }
  return true;
}
