/**
 * Bounded decompression of an OpenPGP compressed-data packet body (RFC 4880 §5.6). A decompression
 * bomb stops at `maxOutput` bytes with `TooLarge`: the output buffer never grows past the bound.
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { Bzip2Bound, decodeBzip2 } from './bzip2.js';
import { fail, type Failure } from '../codes.js';

const ALGORITHMS: Readonly<Record<number, string>> = { 0: 'uncompressed', 1: 'ZIP', 2: 'ZLIB', 3: 'BZip2' };

/** Never throws: returns the decompressed bytes, `TooLarge` past the bound, or `MalformedSignature`. */
export function decompress(body: Uint8Array, maxOutput: number): Uint8Array | Failure {
  const algorithm = body[0];
  if (algorithm === undefined) return fail('MalformedSignature', 'empty compressed-data packet');
  const name = ALGORITHMS[algorithm];
  if (name === undefined) return fail('MalformedSignature', `unknown compression algorithm ${algorithm}`);
  const stream = body.subarray(1);
  try {
    switch (algorithm) {
      case 0:
        return stream.length > maxOutput ? tooLarge(maxOutput) : stream;
      case 1:
        return inflateRawSync(stream, { maxOutputLength: maxOutput, chunkSize: chunkSize(stream, maxOutput) });
      case 2:
        return inflateSync(stream, { maxOutputLength: maxOutput, chunkSize: chunkSize(stream, maxOutput) });
      default:
        return decodeBzip2(stream, maxOutput);
    }
  } catch (error) {
    if (error instanceof Bzip2Bound) return fail('TooLarge', `BZip2 data: ${error.message} (decompression bound)`);
    if (error instanceof RangeError || (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(maxOutput);
    return fail('MalformedSignature', `invalid ${name} compressed data`);
  }
}

/**
 * zlib's default 16 KiB output chunk is a fresh allocation per call, garbage that dominated the
 * audit's GC time; a signed message inflates to about its compressed size (the signature does not
 * compress), so a chunk of twice that, from Node's shared buffer pool when small, usually suffices.
 */
function chunkSize(stream: Uint8Array, maxOutput: number): number {
  return Math.max(MIN_CHUNK, Math.min(maxOutput, 2 * stream.length, MAX_CHUNK));
}

const MIN_CHUNK = 512;
const MAX_CHUNK = 64 << 10;

function tooLarge(maxOutput: number): Failure {
  return fail('TooLarge', `decompressed signature exceeds ${maxOutput} bytes (decompressed size bound)`);
}
