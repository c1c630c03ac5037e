/** OCI digests as containers/image validates them: algorithm and exact lower-case hex length. */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Returns null when `value` is a valid `algo:hex` digest, or a one-line description of the problem. */
export function digestProblem(value: string): string | null {
  const colon = value.indexOf(':');
  if (colon <= 0) return 'invalid checksum digest format';
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm)) return 'invalid checksum digest format';
  const length = HEX_LENGTH[algorithm];
  if (length === undefined) return 'unsupported digest algorithm';
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest length';
  return null;
}

export function isValidDigest(value: string): boolean {
  return digestProblem(value) === null;
}
