/**
 * BZip2 decoding through `seek-bzip` (the only importer), driven block by block so that the block
 * count is bounded (each block costs a 3.6 MB table: a stream of many tiny blocks is a CPU bomb),
 * the output never grows past its bound, and a stream must end with its end-of-stream marker and
 * matching checksum (a truncated stream is refused, as gpg does).
 */
import Bunzip from 'seek-bzip';

/** A signed simple-signing message fits in one block; a few more are tolerated. */
export const MAX_BZIP2_BLOCKS = 4;

export class Bzip2Bound extends Error {}

/** Returns the decoded bytes. Throws Bzip2Bound past a bound, any other error on corrupt data. */
export function decodeBzip2(input: Uint8Array, maxOutput: number): Uint8Array {
  let buffer = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 8)));
  let length = 0;
  const sink = {
    writeByte(byte: number): void {
      if (length >= maxOutput) throw new Bzip2Bound(`decompressed size over ${maxOutput} bytes`);
      if (length >= buffer.length) {
        const grown = new Uint8Array(Math.min(maxOutput, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      buffer[length++] = byte;
    },
  };
  let pos = 0;
  let overrun = false;
  const source = {
    readByte: (): number => {
      if (pos < input.length) return input[pos++] ?? -1;
      overrun = true;
      return -1;
    },
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
  const bz = new Bunzip(source, sink);
  for (let blocks = 0; ; blocks++) {
    if (overrun) throw new Error('truncated BZip2 stream');
    if (!bz._init_block()) break;
    if (blocks >= MAX_BZIP2_BLOCKS) throw new Bzip2Bound(`more than ${MAX_BZIP2_BLOCKS} BZip2 blocks`);
    bz._read_bunzip();
  }
  // The end-of-stream marker has been read; its checksum covers every block.
  const streamCRC = bz.reader.read(32) >>> 0;
  if (overrun || streamCRC !== bz.streamCRC) throw new Error('truncated BZip2 stream or bad stream checksum');
  return buffer.subarray(0, length);
}
