/**
 * Request bodies, bounded. The API server sends at most 3 MiB (its own request limit); anything
 * larger is refused with 413 before it is buffered, whether `Content-Length` announces it or the
 * stream only turns out that long.
 */
import type { IncomingMessage } from 'node:http';

/** Largest AdmissionReview body accepted: 3 MiB. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly status: 400 | 413; readonly message: string };

/** Never rejects. On a 413 the rest of the stream is discarded (the caller closes the connection). */
export function readBody(request: IncomingMessage, max = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) {
    request.resume();
    return Promise.resolve({ ok: false, status: 413, message: `request body larger than ${max} bytes` });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      request.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        // Drop the rest unread, so the client can finish sending and read the 413.
        request.resume();
        finish({ ok: false, status: 413, message: `request body larger than ${max} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    request.once('error', () => finish({ ok: false, status: 400, message: 'the request body could not be read' }));
    request.once('aborted', () => finish({ ok: false, status: 400, message: 'the request was aborted' }));
  });
}
