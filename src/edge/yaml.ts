/**
 * The only module that imports `yaml`: strict YAML 1.2 (and so JSON) reading into plain JSON values,
 * with positions for messages. Duplicate keys, unknown tags, collection keys, alias cycles and
 * values JSON cannot hold (binary, timestamps, infinities) are errors, never silently coerced.
 */
import YAML from 'yaml';
import { oneLine } from '../codes.js';

/** One non-empty document of a YAML stream. */
export interface YamlDocument {
  /** 1-based position of the document in the stream (empty documents count too). */
  readonly index: number;
  /** The document as plain JSON values: objects, arrays, strings, finite numbers, booleans, null. */
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** 1-based line of the node at `path` (object keys and array indexes), or undefined when absent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /**
   * 1-based line and column of the node at `path`, or undefined when absent. With `offset`, of that
   * character of a string scalar's value: exact for plain and quoted scalars on one line without
   * escapes and for literal block scalars (`|`), otherwise the scalar's start.
   */
  positionOf(path: readonly (string | number)[], offset?: number): { line: number; col: number } | undefined;
}

/** Where and why a stream could not be read. */
export interface YamlError {
  readonly source: string;
  readonly line: number;
  readonly col: number;
  /** One line, without position (the caller formats `line:col`). */
  readonly message: string;
}

/** The documents of a stream, or the first reason it cannot be read. */
export type YamlParseResult =
  | { readonly ok: true; readonly documents: YamlDocument[] }
  | { readonly ok: false; readonly error: YamlError };

/** Resource bounds for `parseYamlDocuments`. */
export interface YamlOptions {
  /** Bound on alias expansion (billion-laughs defence); default 100. */
  readonly maxAliasCount?: number;
  /** Bound on nesting depth of collections (after alias expansion too); default 64. */
  readonly maxDepth?: number;
  /** Bound on the keys of one mapping; default 1000. */
  readonly maxMapEntries?: number;
}

const PARSE_OPTIONS = {
  version: '1.2',
  schema: 'core',
  uniqueKeys: true,
  strict: true,
  prettyErrors: true,
  resolveKnownTags: false,
  logLevel: 'silent',
} as const;

/**
 * Parses every document of `text` (JSON is YAML), skipping empty and null documents. Never throws: the first
 * error or warning of any document makes the whole stream an error with its line and column.
 */
export function parseYamlDocuments(text: string, source: string, options: YamlOptions = {}): YamlParseResult {
  const maxAliasCount = options.maxAliasCount ?? 100;
  const maxDepth = options.maxDepth ?? 64;
  const maxMapEntries = options.maxMapEntries ?? 1000;
  let lines = new YAML.LineCounter();
  const at = (offset: number): { line: number; col: number } => lines.linePos(offset);
  const failure = (offset: number, message: string): YamlParseResult => {
    const { line, col } = at(offset);
    return { ok: false, error: { source, line, col, message: oneLine(message) } };
  };
  try {
    // The composer recurses per nesting level, and V8 can die (not throw) at the stack limit: measure first.
    const tooBig = structureProblem(new YAML.Parser(lines.addNewLine).parse(text), maxDepth, maxMapEntries);
    if (tooBig !== undefined) return failure(tooBig.offset, tooBig.message);
    lines = new YAML.LineCounter();
    const docs = YAML.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lines });
    const documents: YamlDocument[] = [];
    for (const [i, doc] of docs.entries()) {
      const problem = doc.errors[0] ?? doc.warnings[0];
      if (problem !== undefined) return failure(problem.pos[0], stripPosition(problem.message));
      const badKey = collectionKeyOffset(doc);
      if (badKey !== undefined) return failure(badKey, 'mapping keys must be scalars');
      const start = doc.contents?.range[0] ?? doc.range[0];
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount });
      } catch (error) {
        return failure(start, errorText(error));
      }
      if (value === null || value === undefined) continue; // empty (or explicitly null) document
      const shape = jsonShapeProblem(value, maxDepth);
      if (shape !== null) return failure(start, shape);
      documents.push({
        index: i + 1,
        value,
        line: at(start).line,
        lineOf: (path) => {
          const node: unknown = doc.getIn(path, true);
          return YAML.isNode(node) && node.range ? at(node.range[0]).line : undefined;
        },
        positionOf: (path, offset) => {
          const node: unknown = doc.getIn(path, true);
          if (!YAML.isNode(node) || !node.range) return undefined;
          const start = node.range[0];
          const inner = offset === undefined || !YAML.isScalar(node) ? undefined : scalarOffset(text, node, offset);
          return at(inner ?? start);
        },
      });
    }
    return { ok: true, documents };
  } catch (error) {
    // The parser itself failed (e.g. nesting deep enough to exhaust the stack).
    return failure(0, errorText(error));
  }
}

/**
 * Source offset of character `offset` of a string scalar's value, when the value maps onto the source
 * character for character (plain or quoted on one line without escapes, or a literal block); else undefined.
 */
function scalarOffset(text: string, node: YAML.Scalar, offset: number): number | undefined {
  if (typeof node.value !== 'string' || !node.range || offset < 0 || offset > node.value.length) return undefined;
  const [start, end] = node.range;
  const source = text.slice(start, end);
  switch (node.type) {
    case 'PLAIN':
      return source === node.value ? start + offset : undefined;
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return source.slice(1, -1) === node.value ? start + 1 + offset : undefined;
    case 'BLOCK_LITERAL': {
      // The header line, then the value's lines one for one, indented by the block's indentation.
      const headerEnd = source.indexOf('\n');
      if (headerEnd === -1) return undefined;
      const lines = node.value.slice(0, offset).split('\n');
      const lineIndex = lines.length - 1;
      const column = lines[lineIndex]?.length ?? 0;
      const body = source.slice(headerEnd + 1).split('\n');
      const firstContent = body.findIndex((line) => line.trim() !== '');
      if (firstContent === -1) return undefined;
      const indent = (body[firstContent] ?? '').length - (body[firstContent] ?? '').trimStart().length;
      let lineStart = start + headerEnd + 1;
      for (let i = 0; i < lineIndex; i++) lineStart += (body[i] ?? '').length + 1;
      return lineStart + indent + column;
    }
    case 'BLOCK_FOLDED':
    case undefined:
      return undefined;
  }
  return undefined;
}

/**
 * The first collection nested deeper than `maxDepth`, or mapping with more than `maxEntries` keys
 * (the duplicate-key check is quadratic), walking the CST without recursion.
 */
function structureProblem(tokens: Iterable<YAML.CST.Token>, maxDepth: number, maxEntries: number): { offset: number; message: string } | undefined {
  const stack: { token: YAML.CST.Token; depth: number }[] = [];
  for (const top of tokens) {
    stack.push({ token: top, depth: 0 });
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const { token, depth } = next;
      if (token.type === 'document' && token.value) stack.push({ token: token.value, depth });
      if (!YAML.CST.isCollection(token)) continue;
      if (depth > maxDepth) return { offset: token.offset, message: `nesting deeper than ${maxDepth} levels` };
      const isMap = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
      if (isMap && token.items.length > maxEntries) return { offset: token.offset, message: `a mapping has more than ${maxEntries} keys` };
      for (const item of token.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Offset of the first mapping key that is a collection (JS objects would stringify it), if any. */
function collectionKeyOffset(doc: YAML.Document.Parsed): number | undefined {
  let offset: number | undefined;
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isCollection(pair.key) || YAML.isAlias(pair.key)) {
        offset = YAML.isNode(pair.key) && pair.key.range ? pair.key.range[0] : 0;
        return YAML.visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/** Null when `value` is plain, acyclic JSON within `maxDepth`, else what is wrong with it. */
function jsonShapeProblem(value: unknown, maxDepth: number): string | null {
  const ancestors = new Set<object>();
  const walk = (v: unknown, depth: number): string | null => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : 'numbers must be finite to be JSON';
    if (typeof v !== 'object') return `a ${typeof v} value is not JSON`;
    if (depth > maxDepth) return `nesting deeper than ${maxDepth} levels`;
    if (ancestors.has(v)) return 'aliases must not form a cycle';
    const proto: unknown = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return 'only mappings, sequences and scalars are allowed';
    ancestors.add(v);
    for (const child of Object.values(v)) {
      const problem = walk(child, depth + 1);
      if (problem !== null) return problem;
    }
    ancestors.delete(v);
    return null;
  };
  return walk(value, 0);
}

function stripPosition(message: string): string {
  const first = message.split('\n', 1)[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

function errorText(error: unknown): string {
  if (error instanceof RangeError) return 'the document is nested too deeply';
  return error instanceof Error ? error.message : 'unreadable YAML';
}

/** YAML text for plain JSON values (reports). Strings that look like other types are quoted. */
export function stringifyYaml(value: unknown): string {
  return YAML.stringify(value, { version: '1.2', lineWidth: 0, aliasDuplicateObjects: false });
}
