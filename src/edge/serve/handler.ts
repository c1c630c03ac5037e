/**
 * The webhook's routes: `POST /validate/images`, `POST /validate/pods`, `GET /healthz`,
 * `GET /readyz`, `GET /metrics`. A review always gets HTTP 200 with an AdmissionReview (a body that
 * is not JSON or not a review is a well-formed denial), except a body over 3 MiB (413): the API
 * server never sends one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AdmissionController } from '../../admission/controller.js';
import type { AdmissionReviewResponse } from '../../admission/response.js';
import { readBody } from './body.js';
import { reviewBudgetMs } from './deadline.js';
import type { Endpoint, ServeMetrics } from './metrics.js';

export interface HandlerState {
  current(): AdmissionController;
  readonly metrics: ServeMetrics;
  /** Loaded and not shutting down. */
  ready(): boolean;
  /** Shutting down: answer, then close the connection. */
  closing(): boolean;
  readonly log: (line: string) => void;
}

const ENDPOINTS: Readonly<Record<string, Endpoint>> = { '/validate/images': 'images', '/validate/pods': 'pods' };

/** Never rejects. */
export async function handle(state: HandlerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (state.closing()) res.setHeader('connection', 'close');
  try {
    const url = new URL(req.url ?? '/', 'https://webhook.invalid');
    const endpoint = ENDPOINTS[url.pathname];
    if (endpoint !== undefined) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only\n', { allow: 'POST' });
      return await review(state, endpoint, url, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n', { allow: 'GET, HEAD' });
    switch (url.pathname) {
      case '/healthz':
        return send(res, 200, 'text/plain', 'ok\n');
      case '/readyz':
        return state.ready() ? send(res, 200, 'text/plain', 'ok\n') : send(res, 503, 'text/plain', 'not ready\n');
      case '/metrics': {
        const { contentType, body } = await state.metrics.render();
        return send(res, 200, contentType, body);
      }
      default:
        return send(res, 404, 'text/plain', 'not found\n');
    }
  } catch (error) {
    state.log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    else res.destroy();
  }
}

async function review(state: HandlerState, endpoint: Endpoint, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  // The clock starts when the request arrives: reading the body is part of the budget.
  const budget = reviewBudgetMs(url.searchParams.get('timeout'));
  const signal = budget > 0 ? AbortSignal.timeout(budget) : AbortSignal.abort();
  const body = await readBody(req);
  if (!body.ok) {
    res.setHeader('connection', 'close');
    const status = { apiVersion: 'v1', kind: 'Status', status: 'Failure', code: body.status, reason: body.status === 413 ? 'RequestEntityTooLarge' : 'BadRequest', message: body.message };
    return send(res, body.status, 'application/json', JSON.stringify(status));
  }
  let untrusted: unknown = null;
  try {
    untrusted = JSON.parse(body.body.toString('utf8')) as unknown;
  } catch {
    // Not JSON: reviewed as nothing at all, which is a well-formed MalformedReview denial.
  }
  const controller = state.current();
  const answer: AdmissionReviewResponse = await controller.review(untrusted, { signal, expect: endpoint === 'images' ? 'Image' : 'Pod' });
  const { response } = answer;
  const reason = response.status?.reason ?? response.auditAnnotations?.['reason'] ?? 'none';
  send(res, 200, 'application/json', JSON.stringify(answer));
  state.metrics.review(endpoint, response.allowed, reason, (performance.now() - started) / 1000);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
