/**
 * A small strict JSON (RFC 8259) parser for signed payloads. Unlike `JSON.parse` it reports duplicate
 * member names, keeps member order and the source text of numbers, and is bounded in input length
 * and nesting depth, so recursion can never overflow the stack.
 */
import { quote } from '../codes.js';

/** A parsed JSON value. Objects keep source member order; numbers keep their exact source text. */
export type JsonValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[] }
  | { readonly kind: 'object'; readonly members: ReadonlyMap<string, JsonValue> };

/** Why the text is not acceptable JSON: one line, safe to show (untrusted text is quoted). */
export interface JsonError {
  readonly error: string;
}

/** Bounds for one parse: `maxLength` in UTF-16 code units, `maxDepth` in nested arrays/objects. */
export interface JsonLimits {
  readonly maxLength: number;
  /** Defaults to {@link DEFAULT_MAX_DEPTH}; values above {@link HARD_MAX_DEPTH} are lowered to it. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 32;
/** No caller can ask for more nesting than this, so the recursive descent stays far from stack limits. */
export const HARD_MAX_DEPTH = 256;

/** True when `result` is a parse error rather than a value. */
export function isJsonError(result: JsonValue | JsonError): result is JsonError {
  return 'error' in result;
}

/**
 * Parses exactly one JSON value (surrounding JSON whitespace allowed, nothing else). Rejects duplicate
 * member names (`Duplicate key "k"`), a byte order mark, and input over the limits. Never throws.
 */
export function parseStrictJson(text: string, limits: JsonLimits): JsonValue | JsonError {
  if (!(text.length <= limits.maxLength)) {
    return { error: `JSON text is ${text.length} characters, more than the limit of ${limits.maxLength}` };
  }
  const requested = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const parser = new Parser(text, requested <= HARD_MAX_DEPTH ? requested : HARD_MAX_DEPTH);
  const value = parser.value(0);
  if (isJsonError(value)) return value;
  parser.skipWhitespace();
  if (parser.pos !== text.length) {
    return { error: value.kind === 'object' ? 'Unexpected data after JSON object' : 'Unexpected data after JSON value' };
  }
  return value;
}

/** A number as RFC 8259 spells it (sticky: matches only at `lastIndex`). */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_ESCAPES = '"\\/bfnrt';

class Parser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** `depth` counts the arrays/objects that enclose the value. */
  value(depth: number): JsonValue | JsonError {
    this.skipWhitespace();
    switch (this.text.charAt(this.pos)) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"': {
        const value = this.string();
        return typeof value === 'string' ? { kind: 'string', value } : value;
      }
      case 't':
        return this.literal('true', { kind: 'boolean', value: true });
      case 'f':
        return this.literal('false', { kind: 'boolean', value: false });
      case 'n':
        return this.literal('null', { kind: 'null' });
      default:
        return this.number();
    }
  }

  private object(depth: number): JsonValue | JsonError {
    if (depth > this.maxDepth) return this.tooDeep();
    this.pos++;
    const members = new Map<string, JsonValue>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') return this.unexpected('a member name');
      const key = this.string();
      if (typeof key !== 'string') return key;
      if (members.has(key)) return { error: `Duplicate key ${quote(key)}` };
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') return this.unexpected("':'");
      this.pos++;
      const item = this.value(depth);
      if (isJsonError(item)) return item;
      members.set(key, item);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next !== ',' && next !== '}') return this.unexpected("',' or '}'");
      this.pos++;
      if (next === '}') return { kind: 'object', members };
    }
  }

  private array(depth: number): JsonValue | JsonError {
    if (depth > this.maxDepth) return this.tooDeep();
    this.pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      const item = this.value(depth);
      if (isJsonError(item)) return item;
      items.push(item);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next !== ',' && next !== ']') return this.unexpected("',' or ']'");
      this.pos++;
      if (next === ']') return { kind: 'array', items };
    }
  }

  /** Reads a string token at `pos` (an opening quote); validates it fully before decoding escapes. */
  private string(): string | JsonError {
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = this.text.charCodeAt(i);
      if (Number.isNaN(c)) return this.errorAt(start, 'unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) return this.errorAt(i, 'control character in a string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      escaped = true;
      const kind = this.text[i + 1];
      if (kind === 'u' && HEX4.test(this.text.slice(i + 2, i + 6))) i += 6;
      else if (kind !== undefined && kind !== 'u' && SIMPLE_ESCAPES.includes(kind)) i += 2;
      else return this.errorAt(i, 'invalid escape in a string');
    }
    this.pos = i + 1;
    if (!escaped) return this.text.slice(start + 1, i);
    try {
      // The token was checked against the RFC 8259 string grammar above; JSON.parse only decodes escapes.
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      return this.errorAt(start, 'invalid string');
    }
  }

  private number(): JsonValue | JsonError {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.unexpected('a JSON value');
    this.pos = NUMBER.lastIndex;
    return { kind: 'number', text: match[0] };
  }

  private literal(word: string, value: JsonValue): JsonValue | JsonError {
    if (!this.text.startsWith(word, this.pos)) return this.unexpected('a JSON value');
    this.pos += word.length;
    return value;
  }

  private tooDeep(): JsonError {
    return this.errorAt(this.pos, `nesting deeper than ${this.maxDepth} levels`);
  }

  private unexpected(expected: string): JsonError {
    const found = this.pos < this.text.length ? quote(this.text.slice(this.pos, this.pos + 1)) : 'end of input';
    return this.errorAt(this.pos, `expected ${expected}, found ${found}`);
  }

  private errorAt(offset: number, problem: string): JsonError {
    return { error: `invalid JSON at offset ${offset}: ${problem}` };
  }
}
