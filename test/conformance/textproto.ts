// A small protobuf text-format reader for the cel-spec conformance files: messages, scalars,
// repeated fields, `[type.url]` extension names, C-style string escapes (strings are bytes) and
// adjacent string concatenation. Enough for `SimpleTestFile`, not a general implementation.

export type Field = readonly [name: string, value: TextValue];
export type TextValue = { readonly kind: 'scalar'; readonly text: string; readonly bytes?: Uint8Array } | { readonly kind: 'message'; readonly fields: readonly Field[] };

interface Token {
  readonly type: 'ident' | 'string' | 'number' | 'punct';
  readonly text: string;
  readonly bytes?: Uint8Array;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };

function unescape(body: string): Uint8Array {
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      const code = body.codePointAt(i) ?? 0;
      out.push(...encoder.encode(String.fromCodePoint(code)));
      if (code > 0xffff) i++;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e] ?? 0);
    else if (/[0-7]/.test(e)) {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) digits += body[++i];
      out.push(parseInt(digits, 8) & 0xff);
    } else if (e === 'x' || e === 'X') {
      let digits = '';
      while (digits.length < 2 && /[0-9a-fA-F]/.test(body[i + 1] ?? '')) digits += body[++i];
      out.push(parseInt(digits, 16));
    } else if (e === 'u' || e === 'U') {
      const length = e === 'u' ? 4 : 8;
      const code = parseInt(body.slice(i + 1, i + 1 + length), 16);
      i += length;
      out.push(...encoder.encode(String.fromCodePoint(code)));
    } else {
      throw new Error(`unknown escape \\${e}`);
    }
  }
  return new Uint8Array(out);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      const bytes = unescape(text.slice(i + 1, j));
      const last = tokens[tokens.length - 1];
      if (last?.type === 'string' && last.bytes) {
        // Adjacent string literals concatenate.
        const joined = new Uint8Array(last.bytes.length + bytes.length);
        joined.set(last.bytes);
        joined.set(bytes, last.bytes.length);
        tokens[tokens.length - 1] = { type: 'string', text: '', bytes: joined };
      } else {
        tokens.push({ type: 'string', text: '', bytes });
      }
      i = j + 1;
    } else if (c === '[') {
      const j = text.indexOf(']', i);
      const inner = text.slice(i + 1, j).trim();
      // `[type.googleapis.com/...]` is an extension/Any name; `[` elsewhere starts a list value.
      if (/^[\w.]+\/[\w.]+$/.test(inner)) {
        tokens.push({ type: 'ident', text: `[${inner}]` });
        i = j + 1;
      } else {
        tokens.push({ type: 'punct', text: '[' });
        i++;
      }
    } else if ('{}<>:,;]'.includes(c)) {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else {
      const rest = text.slice(i);
      const match = /^[-+]?[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?[a-zA-Z]*/.exec(rest) ?? /^[-+]?[\w.]+/.exec(rest);
      if (match === null) throw new Error(`unexpected ${JSON.stringify(c)} at ${i}`);
      tokens.push({ type: /^[-+]?[0-9.]/.test(match[0]) || /^-?(inf|infinity|nan)$/i.test(match[0]) ? 'number' : 'ident', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

/** Parses a text-format message. Throws Error on syntax it does not know. */
export function parseTextProto(text: string): Field[] {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const next = (): Token => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end');
    return token;
  };
  const scalar = (token: Token): TextValue => ({ kind: 'scalar', text: token.text, ...(token.bytes ? { bytes: token.bytes } : {}) });
  const message = (close: string | null): Field[] => {
    const fields: Field[] = [];
    while (peek() !== undefined && peek()?.text !== close) {
      const name = next();
      if (name.type !== 'ident') throw new Error(`expected a field name, got ${name.text}`);
      if (peek()?.text === ':') next();
      const values = value();
      for (const v of values) fields.push([name.text, v]);
      if (peek()?.text === ',' || peek()?.text === ';') next();
    }
    if (close !== null) next();
    return fields;
  };
  const value = (): TextValue[] => {
    const token = next();
    if (token.text === '{' && token.type === 'punct') return [{ kind: 'message', fields: message('}') }];
    if (token.text === '<' && token.type === 'punct') return [{ kind: 'message', fields: message('>') }];
    if (token.text === '[' && token.type === 'punct') {
      const items: TextValue[] = [];
      while (peek()?.text !== ']') {
        items.push(...value());
        if (peek()?.text === ',') next();
      }
      next();
      return items;
    }
    return [scalar(token)];
  };
  return message(null);
}

/** The first value of field `name`, if any. */
export function field(fields: readonly Field[], name: string): TextValue | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

/** Every value of field `name`. */
export function fieldsNamed(fields: readonly Field[], name: string): TextValue[] {
  return fields.filter(([n]) => n === name).map(([, v]) => v);
}

export function messageOf(value: TextValue | undefined): readonly Field[] {
  return value?.kind === 'message' ? value.fields : [];
}

/** A string field as UTF-8 text. */
export function text(value: TextValue | undefined): string | undefined {
  if (value?.kind !== 'scalar') return undefined;
  return value.bytes ? new TextDecoder().decode(value.bytes) : value.text;
}
