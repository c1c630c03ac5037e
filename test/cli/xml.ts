/**
 * A small, strict XML 1.0 reader for checking the JUnit reports of `imagetrust policy test`: it
 * rejects anything not well-formed (unbalanced or mismatched tags, duplicate attributes, a bare `&`
 * or `<`, unknown entities, characters XML forbids, more than one root) and returns the element
 * tree with attribute values and text unescaped. No DTDs, namespaces or CDATA (the reports use none).
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`"<" in character data at ${where}`);
  return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated reference at ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`unknown entity &${ref}; at ${where}`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    const ch = String.fromCodePoint(code);
    if (FORBIDDEN.test(ch)) throw new Error(`character reference to a forbidden character at ${where}`);
    return ch;
  });
}

/** Parses `source` or throws an Error saying where it is not well-formed. */
export function parseXml(source: string): XmlElement {
  if (FORBIDDEN.test(source)) throw new Error('a character XML forbids');
  let pos = 0;
  const decl = /^<\?xml\s+version="1\.0"(\s+encoding="UTF-8")?\s*\?>/.exec(source);
  if (decl) pos = decl[0].length;
  const skipSpace = (): void => {
    while (pos < source.length && /\s/.test(source[pos]!)) pos++;
  };

  type Open = { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string };
  const stack: Open[] = [];
  let root: XmlElement | undefined;

  const close = (el: Open): void => {
    const done: XmlElement = { name: el.name, attributes: el.attributes, children: el.children, text: el.text };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(done);
    else if (root) throw new Error('more than one root element');
    else root = done;
  };

  skipSpace();
  while (pos < source.length) {
    if (stack.length === 0) skipSpace();
    if (pos >= source.length) break;
    if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos + 4);
      if (end < 0) throw new Error(`unterminated comment at ${pos}`);
      pos = end + 3;
    } else if (source.startsWith('</', pos)) {
      const m = NAME.exec(source.slice(pos + 2));
      const el = stack.pop();
      if (!m || !el || m[0] !== el.name) throw new Error(`mismatched end tag at ${pos}`);
      pos += 2 + m[0].length;
      skipSpace();
      if (source[pos] !== '>') throw new Error(`bad end tag at ${pos}`);
      pos++;
      close(el);
    } else if (source[pos] === '<') {
      if (stack.length === 0 && root) throw new Error('more than one root element');
      const m = NAME.exec(source.slice(pos + 1));
      if (!m) throw new Error(`bad tag at ${pos}`);
      pos += 1 + m[0].length;
      const el: Open = { name: m[0], attributes: {}, children: [], text: '' };
      for (;;) {
        const before = pos;
        skipSpace();
        if (source.startsWith('/>', pos)) {
          pos += 2;
          close(el);
          break;
        }
        if (source[pos] === '>') {
          pos++;
          stack.push(el);
          break;
        }
        if (pos === before) throw new Error(`expected whitespace before an attribute at ${pos}`);
        const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(source.slice(pos));
        if (!a) throw new Error(`bad attribute at ${pos}`);
        const name = a[1]!;
        if (name in el.attributes) throw new Error(`duplicate attribute ${name} at ${pos}`);
        el.attributes[name] = unescape(a[2] ?? a[3] ?? '', pos);
        pos += a[0].length;
      }
    } else {
      const end = source.indexOf('<', pos);
      const raw = source.slice(pos, end < 0 ? source.length : end);
      const el = stack[stack.length - 1];
      if (!el) throw new Error(`text outside the root element at ${pos}`);
      el.text += unescape(raw, pos);
      pos += raw.length;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
