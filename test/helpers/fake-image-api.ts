/**
 * An in-process fake of the OpenShift Image API (`/apis/image.openshift.io/v1/images`), HTTPS on
 * loopback, for the audit tests and benchmark. It implements what the audit relies on, as the API
 * server does it:
 *   - list: name order, `limit`, opaque `continue` tokens, `labelSelector`, `remainingItemCount`;
 *     a token can be made to expire: `410 Expired` whose Status carries a fresh token;
 *   - get, and replace (`PUT`) with `resourceVersion` preconditions (`409 Conflict`), `dryRun=All`,
 *     `fieldManager`; a PUT that removes, adds or alters a signature's name, type or content, or
 *     writes `Trusted` without `ForImage`, is refused with 422 (and recorded as a violation);
 *   - bearer-token or client-certificate authentication (401), per-verb RBAC (403);
 *   - injected failures (429 with Retry-After, 5xx) and hooks for "another writer".
 * Stored Images are kept with their JSON text, so listing is cheap even for 100,000 Images.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { parseLabelSelector } from '../../src/audit/label-selector.js';
import { fixture } from './images.js';

export type Verb = 'list' | 'get' | 'update';
type Json = Record<string, unknown>;

export interface FakeImageApiOptions {
  /** Accepted bearer token; default `test-token`. */
  readonly token?: string;
  /** Verbs answered with 403. */
  readonly forbid?: readonly Verb[];
  /** Largest page the server hands out, whatever `limit` asks; default 500. */
  readonly maxLimit?: number;
}

export interface Fault {
  readonly verb: Verb;
  /** Only for this Image (get/update), or this page number (list, counted from 1). */
  readonly name?: string;
  readonly page?: number;
  readonly status: number;
  readonly retryAfter?: number;
  /** How many requests fail; default 1. */
  times?: number;
}

export interface Write {
  readonly name: string;
  readonly dryRun: boolean;
  readonly fieldManager: string | null;
}

interface Stored {
  object: Json;
  text: string;
}

export class FakeImageApi {
  readonly token: string;
  /** Successful replaces (persisted, or accepted as dry runs). */
  readonly writes: Write[] = [];
  /** PUTs refused because they would have damaged signatures. Must stay empty. */
  readonly violations: string[] = [];
  /** Every request: method, path and query. */
  readonly requests: { method: string; path: string; query: URLSearchParams }[] = [];
  readonly faults: Fault[] = [];
  /** Called on each PUT before it is judged (an "other writer" may modify the Image here). */
  beforePut: ((name: string, attempt: number) => void) | undefined;
  /** Called before each list page is answered (page numbers count from 1). */
  beforeList: ((page: number) => Promise<void> | void) | undefined;
  /** Continue tokens issued so far that have been made to expire. */
  private readonly expired = new Set<string>();
  /** When set, every continue token expires on its first use with this probability, from a seeded sequence. */
  expireEvery = 0;
  private readonly store = new Map<string, Stored>();
  private sorted: string[] | null = null;
  private revision = 1000;
  private listCount = 0;
  private readonly putAttempts = new Map<string, number>();
  private readonly forbid: ReadonlySet<Verb>;
  private readonly maxLimit: number;
  private server: Server | undefined;
  url = '';

  constructor(options: FakeImageApiOptions = {}) {
    this.token = options.token ?? 'test-token';
    this.forbid = new Set(options.forbid ?? []);
    this.maxLimit = options.maxLimit ?? 500;
  }

  async start(): Promise<this> {
    const server = createServer({
      cert: readFileSync(fixture('tls/server-a.crt')),
      key: readFileSync(fixture('tls/server-a.key')),
      ca: [readFileSync(fixture('audit/client.crt'))],
      requestCert: true,
      rejectUnauthorized: false,
      keepAlive: true,
    }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, status(500, 'InternalError', String(error))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds (or replaces) an Image; assigns a resourceVersion. */
  add(image: Json): void {
    const copy = structuredClone(image);
    delete copy['kind'];
    delete copy['apiVersion'];
    const metadata = (copy['metadata'] ?? {}) as Json;
    metadata['resourceVersion'] = String(++this.revision);
    copy['metadata'] = metadata;
    const name = String(metadata['name']);
    if (!this.store.has(name)) this.sorted = null;
    this.store.set(name, { object: copy, text: JSON.stringify(copy) });
  }

  /** The stored Image (a copy). */
  get(name: string): Json | undefined {
    const stored = this.store.get(name);
    return stored ? (JSON.parse(stored.text) as Json) : undefined;
  }

  names(): string[] {
    this.sorted ??= [...this.store.keys()].sort();
    return this.sorted;
  }

  /** Another writer changes an Image (a new resourceVersion). */
  modify(name: string, change: (image: Json) => void): void {
    const image = this.get(name);
    if (!image) throw new Error(`no Image ${name}`);
    change(image);
    this.add(image);
  }

  /** Makes every continue token issued so far expire on its next use. */
  expireTokens(): void {
    for (const token of this.issued) this.expired.add(token);
  }

  /** A kubeconfig for this server in `dir`: bearer-token (default) or client-certificate auth. */
  writeKubeconfig(dir: string, auth: 'token' | 'certificate' | { token: string } = 'token'): string {
    const ca = readFileSync(fixture('tls/ca.crt')).toString('base64');
    const user = auth === 'certificate'
      ? `    client-certificate-data: ${readFileSync(fixture('audit/client.crt')).toString('base64')}\n    client-key-data: ${readFileSync(fixture('audit/client.key')).toString('base64')}`
      : `    token: ${auth === 'token' ? this.token : auth.token}`;
    const text = `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${this.url}
    certificate-authority-data: ${ca}
users:
- name: auditor
  user:
${user}
contexts:
- name: fake
  context:
    cluster: fake
    user: auditor
current-context: fake
`;
    const path = join(dir, `kubeconfig-${randomBytes(4).toString('hex')}`);
    writeFileSync(path, text);
    return path;
  }

  private readonly issued: string[] = [];
  private random = 1;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    const body = await readBody(req);
    const socket = req.socket as TLSSocket;
    const certOk = socket.authorized && socket.getPeerCertificate().subject?.CN === 'system:serviceaccount:imagetrust:imagetrust-audit';
    if (req.headers.authorization !== `Bearer ${this.token}` && !certOk) {
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    const prefix = '/apis/image.openshift.io/v1/images';
    if (!url.pathname.startsWith(prefix)) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const name = decodeURIComponent(url.pathname.slice(prefix.length + 1));
    const verb: Verb | undefined = req.method === 'GET' ? (name === '' ? 'list' : 'get') : req.method === 'PUT' && name !== '' ? 'update' : undefined;
    if (verb === undefined) return send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
    if (this.forbid.has(verb)) {
      const resource = verb === 'list' ? 'resource "images"' : `resource "images"`;
      return send(res, 403, status(403, 'Forbidden', `images.image.openshift.io${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:imagetrust:imagetrust-audit" cannot ${verb} ${resource} in API group "image.openshift.io" at the cluster scope`));
    }
    const page = verb === 'list' ? ++this.listCount : undefined;
    const fault = this.faults.find((f) => f.verb === verb && (f.name === undefined || f.name === name) && (f.page === undefined || f.page === page) && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (page !== undefined) this.listCount--; // the retry asks for the same page
      return send(res, fault.status, status(fault.status, fault.status === 429 ? 'TooManyRequests' : 'InternalError', 'injected failure'),
        fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {});
    }
    if (verb === 'list') return this.list(url.searchParams, res, page ?? 0);
    if (verb === 'get') {
      const stored = this.store.get(name);
      if (!stored) return send(res, 404, status(404, 'NotFound', `images.image.openshift.io "${name}" not found`));
      return sendText(res, 200, withKind(stored.text));
    }
    return this.replace(name, url.searchParams, body, res);
  }

  private async list(query: URLSearchParams, res: ServerResponse, page: number): Promise<void> {
    await this.beforeList?.(page);
    const limit = Math.min(this.maxLimit, Number(query.get('limit') ?? '0') || this.maxLimit);
    const token = query.get('continue');
    let after = '';
    if (token) {
      const decoded = decodeToken(token);
      if (decoded === null) return send(res, 400, status(400, 'BadRequest', 'continue key is not valid'));
      if (this.expired.has(token) || (this.expireEvery > 0 && this.nextRandom() < this.expireEvery)) {
        this.expired.delete(token);
        const fresh = this.issue(decoded.after);
        return send(res, 410, { ...status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'), metadata: { continue: fresh } });
      }
      after = decoded.after;
    }
    const selectorText = query.get('labelSelector');
    const selector = selectorText ? parseLabelSelector(selectorText) : undefined;
    const names = this.names();
    let start = 0;
    if (after !== '') {
      let lo = 0;
      let hi = names.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((names[mid] ?? '') <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const texts: string[] = [];
    let i = start;
    for (; i < names.length && texts.length < limit; i++) {
      const stored = this.store.get(names[i] ?? '');
      if (!stored) continue;
      if (selector && !selector.matches((stored.object['metadata'] as Json)['labels'])) continue;
      texts.push(stored.text);
    }
    const more = i < names.length;
    const last = texts.length > 0 ? names[i - 1] ?? '' : after;
    const metadata: Json = { resourceVersion: String(this.revision) };
    if (more) {
      metadata['continue'] = this.issue(last);
      if (!selector) metadata['remainingItemCount'] = names.length - i;
    }
    sendText(res, 200, `{"kind":"ImageList","apiVersion":"image.openshift.io/v1","metadata":${JSON.stringify(metadata)},"items":[${texts.join(',')}]}`);
  }

  private replace(name: string, query: URLSearchParams, body: string, res: ServerResponse): void {
    const attempt = (this.putAttempts.get(name) ?? 0) + 1;
    this.putAttempts.set(name, attempt);
    this.beforePut?.(name, attempt);
    const stored = this.store.get(name);
    if (!stored) return send(res, 404, status(404, 'NotFound', `images.image.openshift.io "${name}" not found`));
    let image: Json;
    try {
      image = JSON.parse(body) as Json;
    } catch {
      return send(res, 400, status(400, 'BadRequest', 'the body is not JSON'));
    }
    const metadata = (image['metadata'] ?? {}) as Json;
    if (metadata['name'] !== name) return send(res, 400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL'));
    const current = (stored.object['metadata'] as Json)['resourceVersion'];
    if (metadata['resourceVersion'] !== current) {
      return send(res, 409, status(409, 'Conflict', `Operation cannot be fulfilled on images.image.openshift.io "${name}": the object has been modified; please apply your changes to the latest version and try again`));
    }
    const problem = signatureDamage(stored.object, image) ?? conditionProblem(image);
    if (problem) {
      this.violations.push(`${name}: ${problem}`);
      return send(res, 422, status(422, 'Invalid', problem));
    }
    const dryRun = query.get('dryRun') === 'All';
    this.writes.push({ name, dryRun, fieldManager: query.get('fieldManager') });
    if (dryRun) return sendText(res, 200, withKind(JSON.stringify({ ...image, kind: undefined, apiVersion: undefined })));
    this.add(image);
    sendText(res, 200, withKind(this.store.get(name)?.text ?? '{}'));
  }

  private issue(after: string): string {
    const token = Buffer.from(JSON.stringify({ after, rv: this.revision, n: randomBytes(4).toString('hex') })).toString('base64url');
    this.issued.push(token);
    return token;
  }

  private nextRandom(): number {
    // A fixed sequence (xorshift), so a run's expiries repeat.
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x >>> 0 || 1;
    return this.random / 2 ** 32;
  }
}

function decodeToken(token: string): { after: string } | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof value.after === 'string' ? { after: value.after } : null;
  } catch {
    return null;
  }
}

/** A PUT may change signature conditions and informative fields only: never name, type or content, never the list. */
function signatureDamage(before: Json, after: Json): string | null {
  const a = Array.isArray(before['signatures']) ? (before['signatures'] as Json[]) : [];
  const b = Array.isArray(after['signatures']) ? (after['signatures'] as Json[]) : [];
  if (a.length !== b.length) return `signatures: ${a.length} before, ${b.length} after`;
  for (let i = 0; i < a.length; i++) {
    for (const key of ['metadata', 'type', 'content']) {
      if (JSON.stringify(a[i]?.[key]) !== JSON.stringify(b[i]?.[key])) return `signatures[${i}].${key} changed`;
    }
    if (typeof b[i]?.['content'] !== 'string' || b[i]?.['content'] === '') return `signatures[${i}].content blanked`;
  }
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'signatures' || key === 'metadata' || key === 'kind' || key === 'apiVersion') continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) return `${key} changed`;
  }
  return null;
}

/** OpenShift validation: a current Trusted condition needs a ForImage one (formats.md 1.7, simplified). */
function conditionProblem(image: Json): string | null {
  const signatures = Array.isArray(image['signatures']) ? (image['signatures'] as Json[]) : [];
  for (const [i, sig] of signatures.entries()) {
    const types = new Set((Array.isArray(sig['conditions']) ? (sig['conditions'] as Json[]) : []).map((c) => c['type']));
    if (types.has('Trusted') !== types.has('ForImage')) return `signatures[${i}].conditions: missing "${types.has('Trusted') ? 'ForImage' : 'Trusted'}" condition type`;
  }
  return null;
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function withKind(text: string): string {
  return `{"kind":"Image","apiVersion":"image.openshift.io/v1",${text.slice(1)}`;
}

function send(res: ServerResponse, code: number, body: Json, headers: Record<string, string> = {}): void {
  sendText(res, code, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
