/**
 * Prometheus metrics of `imagetrust serve` (the only importer of `prom-client`), on a registry of
 * their own: decisions by endpoint, result and reason; review latency; decision cache and Image
 * lookup hits; reloads; the loaded revisions; and the process defaults (`process_*`, `nodejs_*`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Endpoint = 'images' | 'pods';
export type ImageLookupResult = 'hit' | 'miss' | 'notfound' | 'error';
export type ReloadSource = 'trust' | 'policy' | 'tls';

export interface ServeMetrics {
  review(endpoint: Endpoint, allowed: boolean, reason: string, seconds: number): void;
  cacheLookup(hit: boolean): void;
  imageLookup(result: ImageLookupResult): void;
  reload(source: ReloadSource, ok: boolean): void;
  revisions(trust: string, policy: string): void;
  /** The exposition text and its content type. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** Latency buckets in seconds: sub-millisecond cache hits up to the 30 s API server maximum. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const decisions = new Counter({
    name: 'imagetrust_admission_decisions_total',
    help: 'Admission decisions by endpoint, result (allowed, denied) and reason code.',
    labelNames: ['endpoint', 'result', 'reason'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'imagetrust_admission_review_duration_seconds',
    help: 'Time from a review request to its answer, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cache = new Counter({
    name: 'imagetrust_decision_cache_lookups_total',
    help: 'Decision cache lookups by result (hit, miss).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  let hits = 0;
  let lookups = 0;
  new Gauge({
    name: 'imagetrust_decision_cache_hit_ratio',
    help: 'Decision cache hits divided by lookups since the start (0 before the first lookup).',
    registers: [registry],
    collect() {
      this.set(lookups === 0 ? 0 : hits / lookups);
    },
  });
  const images = new Counter({
    name: 'imagetrust_image_lookups_total',
    help: 'Image API lookups for Pods by result (hit: from the lookup cache, miss: asked the API, notfound, error).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'imagetrust_reloads_total',
    help: 'Reloads of trust roots, policies and TLS files by source and result (ok, error).',
    labelNames: ['source', 'result'] as const,
    registers: [registry],
  });
  const revision = new Gauge({
    name: 'imagetrust_config_info',
    help: 'The trust and policy revisions being served (value 1).',
    labelNames: ['trust_revision', 'policy_revision'] as const,
    registers: [registry],
  });
  return {
    review(endpoint, allowed, reason, seconds) {
      decisions.inc({ endpoint, result: allowed ? 'allowed' : 'denied', reason: labelValue(reason) });
      latency.observe({ endpoint }, seconds);
    },
    cacheLookup(hit) {
      lookups += 1;
      if (hit) hits += 1;
      cache.inc({ result: hit ? 'hit' : 'miss' });
    },
    imageLookup(result) {
      images.inc({ result });
    },
    reload(source, ok) {
      reloads.inc({ source, result: ok ? 'ok' : 'error' });
    },
    revisions(trust, policy) {
      revision.reset();
      revision.set({ trust_revision: trust, policy_revision: policy }, 1);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Reason codes come from policies too: keep label values short and plain (bounded cardinality). */
function labelValue(reason: string): string {
  const plain = reason.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return plain === '' ? 'none' : plain;
}
