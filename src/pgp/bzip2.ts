/**
 * BZip2 decoding through `seek-bzip` (the only importer), with an output sink that refuses to grow
 * past the bound and an input source that reports end of data instead of reading `undefined`.
 */
import seekBzip from 'seek-bzip';

class OutputTooLarge extends Error {}

/** Returns the decoded bytes, or null when the output would exceed `maxOutput`. Throws on corrupt data. */
export function decodeBzip2(input: Uint8Array, maxOutput: number): Uint8Array | null {
  const out = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 8)));
  let buffer = out;
  let length = 0;
  const sink = {
    writeByte(byte: number): void {
      if (length >= maxOutput) throw new OutputTooLarge();
      if (length >= buffer.length) {
        const grown = new Uint8Array(Math.min(maxOutput, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      buffer[length++] = byte;
    },
  };
  let pos = 0;
  const source = {
    readByte: (): number => (pos < input.length ? (input[pos++] ?? -1) : -1),
    read: (into: Uint8Array, offset: number, count: number): number => {
      if (pos >= input.length) return -1;
      const n = Math.min(count, input.length - pos);
      into.set(input.subarray(pos, pos + n), offset);
      pos += n;
      return n;
    },
    seek: (to: number): void => {
      pos = to;
    },
    eof: (): boolean => pos >= input.length,
  };
  try {
    seekBzip.decode(source, sink, false);
  } catch (error) {
    if (error instanceof OutputTooLarge) return null;
    throw error;
  }
  return buffer.subarray(0, length);
}
