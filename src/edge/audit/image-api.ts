/**
 * The OpenShift Image API (`image.openshift.io/v1` `images`, cluster-scoped) as the audit uses it:
 * list pages (`limit`, `continue`, `labelSelector`), get one Image, replace one Image (`PUT` with the
 * `resourceVersion` it carries, `fieldManager=imagetrust`, `dryRun=All`). 429 and 5xx (and lost
 * connections) are retried with backoff and jitter, honouring `Retry-After`; 401 and 403 stop the
 * run with a message naming the verb the credentials lack.
 */
import { oneLine } from '../../codes.js';
import { DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, retryDelay, type BackoffPolicy } from '../../audit/backoff.js';
import type { JsonObject } from '../../types.js';
import type { HttpResponse, HttpTransport } from './http.js';

const IMAGES = '/apis/image.openshift.io/v1/images';

/** The run cannot go on (credentials, RBAC, an API server that keeps failing); the message is for the user. */
export class AuditStop extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'AuditStop';
  }
}

/** `410 ResourceExpired` while listing: the continue token expired; `continueToken` is the fresh one, if the server sent it. */
export class ListExpired extends Error {
  constructor(readonly continueToken: string | undefined) {
    super('the continue token expired (410)');
    this.name = 'ListExpired';
  }
}

export interface ImageListPage {
  readonly items: JsonObject[];
  /** The token for the next page; '' on the last page. */
  readonly continue: string;
  readonly remainingItemCount?: number;
}

export type ReplaceOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly message: string };

/** A list page received but not parsed yet: a prefetched page waits as bytes, not as objects. */
export interface ListResponse {
  /** Throws AuditStop when the body is not an ImageList. */
  parse(): ImageListPage;
}

export interface ListOptions {
  readonly limit: number;
  readonly continue?: string;
  readonly labelSelector?: string;
}

export interface ImageApi {
  /** One page, parsed when the caller is ready for it (`parse()`). */
  list(options: ListOptions): Promise<ListResponse>;
  /** Null when the Image no longer exists. */
  get(name: string): Promise<JsonObject | null>;
  /** `body` is the Image's JSON, carrying the `resourceVersion` that was read. */
  replace(name: string, body: string, dryRun: boolean): Promise<ReplaceOutcome>;
}

export interface ImageApiOptions {
  /** For messages: whose credentials (`context admin`, `in-cluster service account`). */
  readonly who: string;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createImageApi(transport: HttpTransport, options: ImageApiOptions): ImageApi {
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function call(verb: 'list' | 'get' | 'update', method: 'GET' | 'PUT', path: string, body?: string): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await transport.request(method, path, body);
      } catch (error) {
        if (attempt >= policy.attempts) throw new AuditStop(`cannot ${verb} images.image.openshift.io: ${errorText(error)} (after ${attempt} attempts)`);
        await sleep(retryDelay(attempt, policy, undefined, random));
        continue;
      }
      if (res.status === 401) throw new AuditStop(`the API server rejected the credentials of ${options.who} (401 Unauthorized) to ${verb} images.image.openshift.io: renew the token or certificate`);
      if (res.status === 403) {
        throw new AuditStop(`forbidden (403): ${options.who} may not ${verb} images.image.openshift.io; grant the "${verb}" verb on resource images in API group image.openshift.io (see deploy/rbac.yaml)${statusMessage(res) ? `: ${statusMessage(res)}` : ''}`);
      }
      if (isRetryableStatus(res.status) && attempt < policy.attempts) {
        await sleep(retryDelay(attempt, policy, parseRetryAfter(header(res, 'retry-after')), random));
        continue;
      }
      return res;
    }
  }

  async function list({ limit, continue: token, labelSelector }: ListOptions): Promise<ListResponse> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (token) query.set('continue', token);
    if (labelSelector) query.set('labelSelector', labelSelector);
    const res = await call('list', 'GET', `${IMAGES}?${query.toString()}`);
    if (res.status === 410) {
      const status = parseJson(res.body);
      const metadata = isObject(status) ? status['metadata'] : undefined;
      const fresh = isObject(metadata) && typeof metadata['continue'] === 'string' && metadata['continue'] !== '' ? metadata['continue'] : undefined;
      throw new ListExpired(fresh);
    }
    if (res.status !== 200) throw new AuditStop(`cannot list images.image.openshift.io: HTTP ${res.status}${statusMessage(res) ? `: ${statusMessage(res)}` : ''}`);
    return { parse: () => parseListPage(res.body) };
  }

  return {
    list,

    async get(name) {
      const res = await call('get', 'GET', `${IMAGES}/${encodeURIComponent(name)}`);
      if (res.status === 404) return null;
      if (res.status !== 200) throw new AuditStop(`cannot get Image ${name}: HTTP ${res.status}${statusMessage(res) ? `: ${statusMessage(res)}` : ''}`);
      const image = parseJson(res.body);
      if (!isObject(image)) throw new AuditStop(`cannot get Image ${name}: the response is not an Image`);
      return withTypeMeta(image);
    },

    async replace(name, body, dryRun) {
      const query = new URLSearchParams({ fieldManager: 'imagetrust' });
      if (dryRun) query.set('dryRun', 'All');
      const res = await call('update', 'PUT', `${IMAGES}/${encodeURIComponent(name)}?${query.toString()}`, body);
      if (res.status === 200 || res.status === 201) return { kind: 'ok' };
      if (res.status === 409) return { kind: 'conflict' };
      if (res.status === 404) return { kind: 'gone' };
      return { kind: 'failed', message: `HTTP ${res.status}${statusMessage(res) ? `: ${statusMessage(res)}` : ''}` };
    },
  };
}

function parseListPage(body: Buffer): ImageListPage {
  const list = parseJson(body);
  if (!isObject(list) || !Array.isArray(list['items'])) throw new AuditStop('cannot list images.image.openshift.io: the response is not an ImageList');
  const metadata = isObject(list['metadata']) ? list['metadata'] : {};
  const remaining = metadata['remainingItemCount'];
  return {
    items: (list['items'] as unknown[]).filter(isObject).map(withTypeMeta),
    continue: typeof metadata['continue'] === 'string' ? metadata['continue'] : '',
    ...(typeof remaining === 'number' && Number.isSafeInteger(remaining) && remaining >= 0 ? { remainingItemCount: remaining } : {}),
  };
}

/** List items come without `kind` and `apiVersion`; a PUT body needs them. */
function withTypeMeta(image: JsonObject): JsonObject {
  if (image['kind'] === undefined) image['kind'] = 'Image';
  if (image['apiVersion'] === undefined) image['apiVersion'] = 'image.openshift.io/v1';
  return image;
}

/** The `message` of a Kubernetes `Status` body, one bounded line. */
function statusMessage(res: HttpResponse): string {
  const status = parseJson(res.body);
  const message = isObject(status) ? status['message'] : undefined;
  return typeof message === 'string' ? oneLine(message).slice(0, 300) : '';
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  return oneLine(code && !message.includes(code) ? `${code}: ${message}` : message);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
