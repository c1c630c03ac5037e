/**
 * Standard padded base64 checks and decoding for signature `content`, without a regular expression
 * or an intermediate buffer: an Image carries kilobytes of it, and every Image of an audit is read.
 */

/** 1 for the 64 characters of the standard alphabet (`A-Z a-z 0-9 + /`), 0 for every other code unit below 128. */
const ALPHABET = new Uint8Array(128);
for (const [first, last] of [['A', 'Z'], ['a', 'z'], ['0', '9'], ['+', '+'], ['/', '/']] as const) {
  for (let c = first.charCodeAt(0); c <= last.charCodeAt(0); c++) ALPHABET[c] = 1;
}
const PAD = 0x3d;

/**
 * Exactly `/^[A-Za-z0-9+/]*={0,2}$/.test(text)`: alphabet characters, then at most two `=`.
 * Length and padding placement beyond that are the caller's. Never throws.
 */
export function isBase64Text(text: string): boolean {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  if (end > 0 && text.charCodeAt(end - 1) === PAD) end--;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ALPHABET[c] === 0) return false;
  }
  return true;
}

/**
 * The `size` bytes that `text` encodes, as a fresh `Uint8Array` (not a pooled `Buffer`), or null
 * when `text` fails {@link isBase64Text}: the same bytes as `new Uint8Array(Buffer.from(text,
 * 'base64'))`, decoded once. `text` must have a length that is a multiple of 4, and `size` must be
 * its decoded length (three bytes per four characters, less one per trailing `=`).
 */
export function decodeBase64(text: string, size: number): Uint8Array | null {
  const bytes = new Uint8Array(size);
  const view = Buffer.from(bytes.buffer, 0, size);
  view.write(text, 0, size, 'base64');
  // What an encoder wrote comes back when the bytes are encoded again, which proves it valid at
  // native speed; any other text (bad characters, unused bits set) gets the exact check.
  return view.toString('base64') === text || isBase64Text(text) ? bytes : null;
}
