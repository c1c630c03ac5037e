/**
 * A thin HTTP(S) client for the API server: one keep-alive agent with the kubeconfig's TLS
 * material, credentials headers on every request, gzip responses, a bounded body and a timeout.
 * Failures to connect or read reject with the Node error; HTTP statuses are returned, not thrown.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ClusterAccess } from './kube-config.js';

const gunzipAsync = promisify(gunzip);

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpTransport {
  /** `path` includes the query string. Rejects only when no HTTP response arrived (or it was too large). */
  request(method: 'GET' | 'PUT', path: string, body?: string): Promise<HttpResponse>;
  close(): void;
}

export interface TransportOptions {
  /** Per request, from sending to the last body byte; default 60 s. */
  readonly timeoutMs?: number;
  /** Largest response body (after gunzip); default 512 MiB. */
  readonly maxBodyBytes?: number;
  /** Concurrent connections; default 8. */
  readonly maxSockets?: number;
  readonly userAgent?: string;
}

export function createTransport(access: ClusterAccess, options: TransportOptions = {}): HttpTransport {
  const base = new URL(access.server);
  const secure = base.protocol === 'https:';
  const maxSockets = options.maxSockets ?? 8;
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets, ...access.tls })
    : new HttpAgent({ keepAlive: true, maxSockets });
  const send = secure ? httpsRequest : httpRequest;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBody = options.maxBodyBytes ?? 512 * 1024 * 1024;
  const prefix = base.pathname.replace(/\/+$/, '');

  return {
    async request(method, path, body) {
      const headers: Record<string, string> = {
        ...(await access.headers()),
        Accept: 'application/json',
        'Accept-Encoding': 'gzip',
        'User-Agent': options.userAgent ?? 'imagetrust',
      };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
      return new Promise<HttpResponse>((resolve, reject) => {
        const req = send({
          agent, method, headers,
          protocol: base.protocol, hostname: base.hostname.replace(/^\[|\]$/g, ''), port: base.port || (secure ? 443 : 80),
          path: `${prefix}${path}`,
        }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBody) {
              req.destroy(new Error(`response larger than ${maxBody} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const done = (data: Buffer): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data });
            if (res.headers['content-encoding'] === 'gzip') {
              gunzipAsync(raw, { maxOutputLength: maxBody }).then(done, reject);
            } else {
              done(raw);
            }
          });
        });
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no response within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
