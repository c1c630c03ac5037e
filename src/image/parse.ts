/**
 * Reads an untrusted OpenShift `Image` (`image.openshift.io/v1`) into the few fields verification
 * uses. Only `metadata.name`, `dockerImageReference`, `dockerImageManifest` and each signature's
 * `metadata.name`, `type` and `content` are read: claims, issuers, times and conditions never are.
 */
import { oneLine, quote } from '../codes.js';
import { digestProblem } from '../digest.js';
import { decodeBase64 } from './base64.js';
import { computeManifestDigest, type DigestAlgorithm, type ManifestDigest } from './manifest-digest.js';

export type { ManifestDigest } from './manifest-digest.js';

/** One reason a document cannot be used, at a JSON path such as `.signatures[2].content`. */
export interface ImageProblem {
  readonly path: string;
  readonly message: string;
}

/** The document is not a usable Image at all. */
export interface ImageProblems {
  readonly problems: ImageProblem[];
}

/** One `ImageSignature` as found: nothing here has been verified. */
export interface UntrustedSignature {
  /** Position in `signatures[]`. */
  readonly index: number;
  /** `metadata.name`, '' when absent. */
  readonly name: string;
  readonly type: string;
  /** Decoded `content`, or null when it is not valid padded base64 or is over the size cap. */
  readonly content: Uint8Array | null;
  /** Why `content` is null: reported as `MalformedSignature`, or `TooLarge` when `contentTooLarge`. */
  readonly contentProblem?: string;
  readonly contentTooLarge?: boolean;
}

/** An Image whose shape is valid; its signatures are still unverified. */
export interface ParsedImage {
  /** `metadata.name`: a valid digest, e.g. `sha256:<64 hex>`. */
  readonly name: string;
  readonly dockerImageReference?: string;
  /** The manifest's digest when it matches `name` (or `name` when there is no manifest), else why not. */
  readonly manifestDigest: ManifestDigest;
  readonly signatures: UntrustedSignature[];
}

/** Bounds for `parseImage`. */
export interface ParseImageOptions {
  /** Largest decoded signature `content` accepted, in bytes; default 4 MiB. */
  readonly maxContentBytes?: number;
}

/** Default cap on one decoded signature `content` (4 MiB). */
export const DEFAULT_MAX_CONTENT_BYTES = 4 * 1024 * 1024;

const API_VERSIONS: ReadonlySet<string> = new Set(['image.openshift.io/v1', 'v1']);

type Obj = { [key: string]: unknown };

/**
 * Checks the shape of an untrusted Image and decodes its signatures. Never throws: a document that
 * is not an Image gives `ImageProblems`; a bad signature `content` only marks that signature.
 */
export function parseImage(untrusted: unknown, options: ParseImageOptions = {}): ParsedImage | ImageProblems {
  try {
    return parse(untrusted, options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES);
  } catch {
    return { problems: [{ path: '', message: 'the document could not be read as an Image' }] };
  }
}

/** True when `parseImage` refused the document. Never throws. */
export function isImageProblems(result: ParsedImage | ImageProblems): result is ImageProblems {
  return 'problems' in result;
}

/** The signature `content` problems of a parsed Image, with JSON paths, for reporting as input errors. Never throws. */
export function inputProblems(parsed: ParsedImage): ImageProblem[] {
  return parsed.signatures.flatMap((sig) =>
    sig.contentProblem === undefined ? [] : [{ path: `.signatures[${sig.index}].content`, message: sig.contentProblem }],
  );
}

function parse(doc: unknown, maxBytes: number): ParsedImage | ImageProblems {
  if (!isObject(doc)) return problems('', `an Image must be a JSON object, not ${describe(doc)}`);
  const found: ImageProblem[] = [];
  const report = (path: string, message: string): void => {
    found.push({ path, message: oneLine(message) });
  };

  const kind = own(doc, 'kind');
  if (kind !== undefined && kind !== 'Image') report('.kind', `kind must be "Image", not ${show(kind)}`);
  const apiVersion = own(doc, 'apiVersion');
  if (apiVersion !== undefined && !(typeof apiVersion === 'string' && API_VERSIONS.has(apiVersion))) {
    report('.apiVersion', `apiVersion must be "image.openshift.io/v1" (or the legacy "v1"), not ${show(apiVersion)}`);
  }

  const name = readName(doc, '', report, true);
  const reference = optionalString(doc, 'dockerImageReference', report);
  const manifest = optionalString(doc, 'dockerImageManifest', report);
  const signatures = readSignatures(own(doc, 'signatures'), maxBytes, report);
  if (found.length > 0 || name === undefined) return { problems: found };

  const digest = manifestDigest(manifest, name);
  return reference === undefined
    ? { name, manifestDigest: digest, signatures }
    : { name, dockerImageReference: reference, manifestDigest: digest, signatures };
}

type Report = (path: string, message: string) => void;

/** `metadata.name` at `prefix`: required and a digest for the Image, optional for signatures. */
function readName(owner: Obj, prefix: string, report: Report, image: boolean): string | undefined {
  const metadata = own(owner, 'metadata');
  if (metadata === undefined && !image) return '';
  if (!isObject(metadata)) {
    report(`${prefix}.metadata`, metadata === undefined ? 'metadata is missing' : `metadata must be an object, not ${describe(metadata)}`);
    return undefined;
  }
  const name = own(metadata, 'name');
  const path = `${prefix}.metadata.name`;
  if (name === undefined && !image) return '';
  if (typeof name !== 'string') {
    report(path, name === undefined ? 'name is missing' : `name must be a string, not ${describe(name)}`);
    return undefined;
  }
  if (!image) return name;
  if (name === '') {
    report(path, 'name is empty');
    return undefined;
  }
  const problem = digestProblem(name);
  if (problem !== null) {
    report(path, `name must be the manifest digest: ${problem} (${quote(name)})`);
    return undefined;
  }
  return name;
}

function readSignatures(value: unknown, maxBytes: number, report: Report): UntrustedSignature[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report('.signatures', `signatures must be an array, not ${describe(value)}`);
    return [];
  }
  const result: UntrustedSignature[] = [];
  for (let index = 0; index < value.length; index++) {
    const prefix = `.signatures[${index}]`;
    const sig: unknown = value[index];
    if (!isObject(sig)) {
      report(prefix, `a signature must be an object, not ${describe(sig)}`);
      continue;
    }
    const name = readName(sig, prefix, report, false);
    const type = own(sig, 'type');
    const content = own(sig, 'content');
    if (typeof type !== 'string') report(`${prefix}.type`, type === undefined ? 'type is missing' : `type must be a string, not ${describe(type)}`);
    if (typeof content !== 'string') {
      report(`${prefix}.content`, content === undefined ? 'content is missing' : `content must be a base64 string, not ${describe(content)}`);
    }
    if (name === undefined || typeof type !== 'string' || typeof content !== 'string') continue;
    const decoded = decodeContent(content, maxBytes);
    result.push(
      decoded instanceof Uint8Array
        ? { index, name, type, content: decoded }
        : { index, name, type, content: null, contentProblem: decoded.problem, ...(decoded.tooLarge ? { contentTooLarge: true } : {}) },
    );
  }
  return result;
}

/**
 * Standard padded base64, as Go's `encoding/json` decodes `[]byte`: CR and LF are skipped, anything
 * else outside the alphabet, missing padding or data after padding is refused.
 */
function decodeContent(text: string, maxBytes: number): Uint8Array | { problem: string; tooLarge: boolean } {
  const clean = text.indexOf('\n') === -1 && text.indexOf('\r') === -1 ? text : text.replace(/[\r\n]/g, '');
  if (clean.length === 0) return { problem: 'signature content is empty', tooLarge: false };
  if (clean.length % 4 !== 0) {
    return { problem: 'signature content is not valid base64 (length is not a multiple of 4)', tooLarge: false };
  }
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const size = (clean.length / 4) * 3 - padding;
  if (size > maxBytes) {
    return { problem: `signature content is too large: ${size} bytes, the limit is ${maxBytes}`, tooLarge: true };
  }
  return decodeBase64(clean, size) ?? { problem: 'signature content is not valid standard base64', tooLarge: false };
}

function manifestDigest(manifest: string | undefined, name: string): ManifestDigest {
  if (manifest === undefined || manifest === '') return { ok: true, digest: name };
  const algorithm = name.slice(0, name.indexOf(':')) as DigestAlgorithm;
  const computed = computeManifestDigest(manifest, algorithm);
  if (!computed.ok || computed.digest === name) return computed;
  return { ok: false, problem: `manifest digest ${computed.digest} does not match image name ${name}` };
}

/** An optional string field; null counts as absent (Go's zero value). */
function optionalString(doc: Obj, key: string, report: Report): string | undefined {
  const value = own(doc, key);
  if (value === undefined || typeof value === 'string') return value;
  report(`.${key}`, `${key} must be a string, not ${describe(value)}`);
  return undefined;
}

/** An own property (never an inherited one); null reads as absent. */
function own(obj: Obj, key: string): unknown {
  if (!Object.hasOwn(obj, key)) return undefined;
  const value = obj[key];
  return value === null ? undefined : value;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problems(path: string, message: string): ImageProblems {
  return { problems: [{ path, message }] };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? quote(value) : describe(value);
}
