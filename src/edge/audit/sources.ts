/**
 * Where the audit's Images come from, one page at a time so memory stays flat: the cluster's Image
 * API (pages of `limit` Images, the next page fetched, not parsed, while this one is verified; a `410` continues
 * with the fresh token and marks the snapshot inconsistent), or files, directories and standard input
 * (pages of documents). A page's `next` is where a resumed run starts.
 */
import type { AuditError } from '../../audit/model.js';
import type { LabelSelector } from '../../audit/label-selector.js';
import type { JsonObject } from '../../types.js';
import { readImageDocuments } from '../image-input.js';
import { AuditStop, ListExpired, type ImageApi, type ListResponse } from './image-api.js';

export interface SourceItem {
  readonly image: JsonObject;
  /** The file and JSON path, or `cluster`. */
  readonly source: string;
}

export interface SourcePage {
  /** The consumer drains it: the source keeps no reference, so an Image handed on can be collected. */
  readonly items: SourceItem[];
  /** Input errors met while reading this page. */
  readonly errors: readonly AuditError[];
  /** Where the next page starts; '' after the last page. */
  readonly next: string;
  /** The API server's estimate of Images after this page. */
  readonly remaining?: number;
  /** A 410 made the list continue from a newer snapshot. */
  readonly inconsistent: boolean;
}

export interface ImageSource {
  /** Pages from `from` ('' for the beginning, or a page's `next`). */
  pages(from: string): AsyncGenerator<SourcePage, void, undefined>;
}

/** How many fresh tokens in a row a 410 may hand out before the run stops. */
const MAX_EXPIRED_IN_A_ROW = 5;

export function clusterSource(api: ImageApi, options: { readonly pageSize: number; readonly selector?: string }): ImageSource {
  const fetchPage = async (token: string): Promise<{ readonly response: ListResponse; readonly inconsistent: boolean }> => {
    let inconsistent = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await api.list({ limit: options.pageSize, ...(token ? { continue: token } : {}), ...(options.selector ? { labelSelector: options.selector } : {}) });
        return { response, inconsistent };
      } catch (error) {
        if (!(error instanceof ListExpired)) throw error;
        if (error.continueToken === undefined) throw new AuditStop('the Image list\'s continue token expired (410) and the API server gave no fresh token: run the audit again');
        if (attempt >= MAX_EXPIRED_IN_A_ROW) throw new AuditStop('the Image list\'s continue token kept expiring (410): run the audit again');
        token = error.continueToken;
        inconsistent = true;
      }
    }
  };
  return {
    async *pages(from) {
      let pending = fetchPage(from);
      for (;;) {
        const fetched = await pending;
        // Parsed only now: a page fetched ahead waits as bytes, so its Images are not objects that
        // outlive collections while the page before is verified.
        const { items, continue: next, remainingItemCount } = fetched.response.parse();
        const { inconsistent } = fetched;
        if (next !== '') {
          // Fetch the next page while this one is verified.
          pending = fetchPage(next);
          pending.catch(() => undefined);
        }
        yield {
          items: items.map((image) => ({ image, source: 'cluster' })),
          errors: [],
          next,
          ...(remainingItemCount !== undefined ? { remaining: remainingItemCount } : {}),
          inconsistent,
        };
        if (next === '') return;
      }
    },
  };
}

/** Files as `verify` reads them; a page is `pageSize` documents; `next` counts the documents read. */
export function fileSource(inputs: readonly string[], options: { readonly pageSize: number; readonly selector?: LabelSelector }): ImageSource {
  return {
    async *pages(from) {
      const skip = from === '' ? 0 : Number(from);
      let index = 0;
      let items: SourceItem[] = [];
      let errors: AuditError[] = [];
      for await (const doc of readImageDocuments(inputs)) {
        index++;
        if (index <= skip) continue;
        if ('error' in doc) {
          errors.push({ source: doc.source, path: doc.line !== undefined && doc.path === '' ? `line ${doc.line}` : doc.path, message: doc.error });
        } else if (isObject(doc.image) && (options.selector === undefined || options.selector.matches(labelsOf(doc.image)))) {
          items.push({ image: doc.image, source: doc.path ? `${doc.source} ${doc.path}` : doc.source });
        }
        if (index - skip > 0 && (index - skip) % options.pageSize === 0) {
          yield { items, errors, next: String(index), inconsistent: false };
          items = [];
          errors = [];
        }
      }
      yield { items, errors, next: '', inconsistent: false };
    },
  };
}

function labelsOf(image: JsonObject): unknown {
  const metadata = image['metadata'];
  return isObject(metadata) ? metadata['labels'] : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
