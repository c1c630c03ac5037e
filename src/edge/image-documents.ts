/**
 * Recognizes Images in the bytes of one file or of standard input: an `Image`, the items of an
 * `ImageList` or `List`, in JSON or (multi-document) YAML. Pure: no I/O.
 */
import { quote } from '../codes.js';
import { parseYamlDocuments } from './yaml.js';

/** An Image found in the input, still untrusted and unchecked. */
export interface ImageDocument {
  /** File path, or `-` for standard input. */
  readonly source: string;
  /** JSON path of the Image in its document: '' at the top, `.items[3]` in a list, `[doc 2]` prefix in multi-document YAML. */
  readonly path: string;
  readonly line?: number;
  readonly image: unknown;
}

/** Input that could not be read as Images: the run reports it and goes on with the rest. */
export interface InputError {
  readonly source: string;
  readonly path: string;
  readonly line?: number;
  readonly error: string;
}

/** What the reader yields: an Image, or an input error. */
export type ImageInput = ImageDocument | InputError;

/** Default bound on one file or standard input (64 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The Images (and input errors) in one file's bytes: JSON, or YAML with one or more documents. Never throws. */
export function documentsIn(source: string, data: Uint8Array, maxBytes = DEFAULT_MAX_FILE_BYTES): ImageInput[] {
  if (data.length > maxBytes) return [inputError(source, tooLarge(data.length, maxBytes))];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return [inputError(source, 'not valid UTF-8 text')];
  }
  const parsed = parseYamlDocuments(text, source);
  if (!parsed.ok) {
    const { line, col, message } = parsed.error;
    return [{ source, path: '', line, error: `syntax error at line ${line}, column ${col}: ${message}` }];
  }
  if (parsed.documents.length === 0) return [inputError(source, 'no Image, ImageList or List found (the input is empty)')];
  const multi = parsed.documents.length > 1;
  const out: ImageInput[] = [];
  for (const doc of parsed.documents) {
    const prefix = multi ? `[doc ${doc.index}]` : '';
    const value = doc.value;
    const kind = isObject(value) ? value['kind'] : undefined;
    if (!isObject(value) || (kind !== 'Image' && kind !== 'ImageList' && kind !== 'List')) {
      const what = !isObject(value) ? 'it is not a mapping' : kind === undefined ? 'it has no kind' : `its kind is ${show(kind)}`;
      out.push({ source, path: prefix, line: doc.line, error: `not an Image, ImageList or List: ${what}` });
      continue;
    }
    if (kind === 'Image') {
      out.push({ source, path: prefix, line: doc.line, image: value });
      continue;
    }
    const items = value['items'];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) {
      out.push(at(source, `${prefix}.items`, doc.lineOf(['items']) ?? doc.line, `${kind} items must be a list`));
      continue;
    }
    items.forEach((item: unknown, i) => {
      const path = `${prefix}.items[${i}]`;
      const line = doc.lineOf(['items', i]) ?? doc.line;
      const itemKind = isObject(item) ? item['kind'] : undefined;
      // API server ImageList responses omit each item's kind; a generic List must name it.
      if (isObject(item) && (itemKind === 'Image' || (kind === 'ImageList' && itemKind === undefined))) {
        out.push({ source, path, line, image: item });
      } else {
        const what = !isObject(item) ? 'it is not a mapping' : itemKind === undefined ? 'it has no kind' : `its kind is ${show(itemKind)}`;
        out.push(at(source, path, line, `${kind} item is not an Image: ${what}`));
      }
    });
  }
  return out;
}

function at(source: string, path: string, line: number, error: string): InputError {
  return { source, path, line, error };
}

/** An input error for a whole source. */
export function inputError(source: string, error: string): InputError {
  return { source, path: '', error };
}

/** The message for input over the size bound. */
export function tooLarge(size: number, max: number): string {
  return `too large: ${size} bytes, the limit is ${max}`;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
