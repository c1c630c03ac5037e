/**
 * A small, strict DER reader for the hot path of CMS verification: it locates elements without
 * copying (every node is a view into the input) and refuses anything DER forbids that matters
 * here: indefinite or non-minimal lengths, high tag numbers, trailing bytes. Attacker-controlled
 * input: every read is bounds-checked, and failures throw `DerError`, which callers turn into a
 * `MalformedSignature` at their boundary (nothing here escapes the x509 modules).
 */

/** Thrown for any encoding this reader refuses; caught by the x509 modules, never by users. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  /** `[n]` constructed context tag: `0xa0 | n`. */
  context: 0xa0,
  /** `[n]` primitive context tag: `0x80 | n`. */
  contextPrimitive: 0x80,
} as const;

/**
 * One element: its tag, its whole encoding and its content, as views into the input. The views are
 * made on first use: walking a structure only reads offsets (a signature has about 60 elements).
 */
export class DerNode {
  private bytesView: Uint8Array | undefined;
  private contentView: Uint8Array | undefined;
  constructor(
    readonly tag: number,
    /** The buffer the element lies in, and its offsets there. */
    readonly input: Uint8Array,
    readonly start: number,
    readonly contentStart: number,
    readonly end: number,
  ) {}

  /** Tag, length and content. */
  get bytes(): Uint8Array {
    return (this.bytesView ??= this.input.subarray(this.start, this.end));
  }

  get content(): Uint8Array {
    return (this.contentView ??= this.input.subarray(this.contentStart, this.end));
  }
}

/** Most elements accepted inside one constructed element (bounded work on hostile input). */
const MAX_CHILDREN = 4096;

/** Reads the element at `offset`, within `input` up to `limit`. Throws DerError. */
export function readNode(input: Uint8Array, offset = 0, limit = input.length): DerNode {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = input[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here');
  const first = input[offset + 1] ?? 0;
  let length: number;
  let header = 2;
  if (first < 0x80) {
    length = first;
  } else {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length (BER) is not DER');
    if (count > 4) throw new DerError('length too large');
    if (offset + 2 + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (input[offset + 2 + i] ?? 0);
    if (input[offset + 2] === 0 || length < 0x80) throw new DerError('non-minimal length encoding');
    header += count;
  }
  const end = offset + header + length;
  if (end > limit) throw new DerError('element runs past its container');
  return new DerNode(tag, input, offset, offset + header, end);
}

/** The single element that makes up all of `input` (no trailing bytes). Throws DerError. */
export function readWhole(input: Uint8Array): DerNode {
  const node = readNode(input, 0);
  if (node.end !== input.length) throw new DerError('trailing bytes after the element');
  return node;
}

/** The elements inside a constructed node. Throws DerError. */
export function childrenOf(node: DerNode): DerNode[] {
  if ((node.tag & 0x20) === 0) throw new DerError(`element with tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let offset = node.contentStart;
  while (offset < node.end) {
    if (out.length >= MAX_CHILDREN) throw new DerError('too many elements');
    const child = readNode(node.input, offset, node.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** `node` must have `tag`; returns it. Throws DerError naming `what`. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (node === undefined) throw new DerError(`${what} is missing`);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

/** The children of a node that must have `tag`. Throws DerError. */
export function sequence(node: DerNode | undefined, what: string, tag: number = TAG.sequence): DerNode[] {
  return childrenOf(expectTag(node, tag, what));
}

const OID_MEMO = new Map<string, string>();
const OID_MEMO_ENTRIES = 4096;

/** Dotted decimal form of an OBJECT IDENTIFIER node (minimal base-128 arcs). Throws DerError. */
export function oid(node: DerNode | undefined, what: string): string {
  const found = expectTag(node, TAG.oid, what);
  const { input, contentStart, end } = found;
  if (end === contentStart || end - contentStart > 64) throw new DerError(`${what}: bad object identifier length`);
  // The same few identifiers recur in every signature: decode each encoding once.
  let key = '';
  for (let i = contentStart; i < end; i++) key += String.fromCharCode(input[i] ?? 0);
  const known = OID_MEMO.get(key);
  if (known !== undefined) return known;
  const decoded = decodeOid(found.content, what);
  if (OID_MEMO.size < OID_MEMO_ENTRIES) OID_MEMO.set(key, decoded);
  return decoded;
}

function decodeOid(content: Uint8Array, what: string): string {
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) throw new DerError(`${what}: non-minimal object identifier arc`);
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) throw new DerError(`${what}: object identifier arc too large`);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  if (!fresh) throw new DerError(`${what}: truncated object identifier`);
  return arcs.join('.');
}

/** A small non-negative INTEGER (minimal encoding). Throws DerError. */
export function smallInteger(node: DerNode | undefined, what: string): number {
  const { content } = expectTag(node, TAG.integer, what);
  minimalInteger(content, what);
  if (content.length > 4 || ((content[0] ?? 0) & 0x80) !== 0) throw new DerError(`${what}: not a small non-negative integer`);
  let value = 0;
  for (const byte of content) value = value * 256 + byte;
  return value;
}

/** Checks the minimal two's-complement encoding DER requires of an INTEGER. Throws DerError. */
export function minimalInteger(content: Uint8Array, what: string): void {
  if (content.length === 0) throw new DerError(`${what}: empty integer`);
  const [a = 0, b = 0] = content;
  if (content.length > 1 && ((a === 0 && (b & 0x80) === 0) || (a === 0xff && (b & 0x80) !== 0))) {
    throw new DerError(`${what}: non-minimal integer encoding`);
  }
}

/** An AlgorithmIdentifier: its OID and its parameters (absent, or the parameter element). Throws DerError. */
export function algorithm(node: DerNode | undefined, what: string): { readonly oid: string; readonly params: DerNode | null } {
  const parts = sequence(node, what);
  if (parts.length < 1 || parts.length > 2) throw new DerError(`${what}: malformed algorithm identifier`);
  return { oid: oid(parts[0], what), params: parts[1] ?? null };
}

/** True when an algorithm's parameters are absent or NULL. */
export function absentOrNull(params: DerNode | null): boolean {
  return params === null || (params.tag === TAG.null && params.content.length === 0);
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/;

/** A UTCTime or GeneralizedTime in its DER form, as seconds since the epoch. Throws DerError. */
export function time(node: DerNode | undefined, what: string): number {
  if (node === undefined) throw new DerError(`${what} is missing`);
  let text = '';
  for (let i = node.contentStart; i < node.end && i - node.contentStart < 32; i++) text += String.fromCharCode(node.input[i] ?? 0);
  const m = node.tag === TAG.utcTime ? UTC_TIME.exec(text) : node.tag === TAG.generalizedTime ? GENERALIZED_TIME.exec(text) : null;
  if (!m) throw new DerError(`${what}: not a DER UTCTime or GeneralizedTime`);
  const [, y = '', mo = '', d = '', h = '', mi = '', s = ''] = m;
  // RFC 5280: a two-digit year YY means 19YY when YY >= 50, else 20YY.
  const year = y.length === 2 ? (Number(y) >= 50 ? 1900 : 2000) + Number(y) : Number(y);
  if (year < 1000) throw new DerError(`${what}: year ${year} is out of range`);
  const ms = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new DerError(`${what}: not a valid date`);
  }
  return Math.floor(ms / 1000);
}

/** DER header bytes (tag and length) for content of `length` bytes. */
export function header(tag: number, length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(tag, length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(tag, 0x80 | bytes.length, ...bytes);
}
