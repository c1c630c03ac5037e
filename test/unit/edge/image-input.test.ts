import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nodeIO,
  readImageDocuments,
  type ImageInput,
  type ImageInputIO,
  type ReadImageOptions,
} from '../../../src/edge/image-input.js';

const DIGEST = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const IMAGE = { apiVersion: 'image.openshift.io/v1', kind: 'Image', metadata: { name: DIGEST }, signatures: [] };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imagetrust-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

async function collect(args: string[], io: ImageInputIO = nodeIO, options: ReadImageOptions = {}): Promise<ImageInput[]> {
  const out: ImageInput[] = [];
  for await (const item of readImageDocuments(args, io, options)) out.push(item);
  return out;
}

const errorsOf = (items: ImageInput[]): ImageInput[] => items.filter((i) => 'error' in i);

describe('readImageDocuments: files', () => {
  it('reads a JSON Image', async () => {
    const file = await write('one.json', JSON.stringify(IMAGE, null, 2));
    expect(await collect([file])).toEqual([{ source: file, path: '', line: 1, image: IMAGE }]);
  });

  it('reads the items of an ImageList, with or without their kind', async () => {
    const bare = { metadata: IMAGE.metadata, signatures: IMAGE.signatures };
    const list = { apiVersion: 'image.openshift.io/v1', kind: 'ImageList', items: [IMAGE, bare] };
    const file = await write('list.json', JSON.stringify(list, null, 2));
    const items = await collect([file]);
    expect(items.map((i) => i.path)).toEqual(['.items[0]', '.items[1]']);
    expect(items.map((i) => 'image' in i && i.image)).toEqual([IMAGE, bare]);
    expect(items[0]!.line).toBe(5);
    expect(items[1]!.line).toBeGreaterThan(items[0]!.line!);
  });

  it('reports a List item that is not an Image and keeps the others', async () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- kind: Image',
      '  metadata: {name: "' + DIGEST + '"}',
      '- kind: Pod',
      '  metadata: {name: web}',
      '- just a string',
      '- metadata: {name: no-kind}',
    ].join('\n');
    const file = await write('list.yaml', text);
    const items = await collect([file]);
    expect(items).toEqual([
      { source: file, path: '.items[0]', line: 4, image: { kind: 'Image', metadata: { name: DIGEST } } },
      { source: file, path: '.items[1]', line: 6, error: 'List item is not an Image: its kind is "Pod"' },
      { source: file, path: '.items[2]', line: 8, error: 'List item is not an Image: it is not a mapping' },
      { source: file, path: '.items[3]', line: 9, error: 'List item is not an Image: it has no kind' },
    ]);
  });

  it('reads multi-document YAML with a [doc N] prefix, skipping empty documents', async () => {
    const text = [
      '# images',
      'kind: Image',
      `metadata: {name: "${DIGEST}"}`,
      '---',
      '---',
      'kind: ImageList',
      'items:',
      `- metadata: {name: "${DIGEST}"}`,
      '---',
      'kind: Secret',
      '',
    ].join('\n');
    const file = await write('multi.yaml', text);
    const items = await collect([file]);
    expect(items.map(({ path, line }) => ({ path, line }))).toEqual([
      { path: '[doc 1]', line: 2 },
      { path: '[doc 3].items[0]', line: 8 },
      { path: '[doc 4]', line: 10 },
    ]);
    expect(items[2]).toMatchObject({ error: 'not an Image, ImageList or List: its kind is "Secret"' });
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const file = await write('broken.yaml', 'kind: Image\nmetadata:\n  name: [unclosed\nsignatures: []\n');
    const [item, ...rest] = await collect([file]);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ source: file, path: '' });
    expect(item && 'error' in item && item.error).toMatch(/^syntax error at line \d+, column \d+: /);
    expect(item!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a JSON syntax error with its line', async () => {
    const file = await write('broken.json', '{\n  "kind": "Image",\n  "metadata": {"name": "x"},,\n}\n');
    const [item] = await collect([file]);
    expect(item).toMatchObject({ line: 3 });
    expect(item && 'error' in item && item.error).toMatch(/^syntax error at line 3, column \d+/);
  });

  it('rejects duplicate keys, in YAML and in JSON', async () => {
    const yaml = await write('dup.yaml', `kind: Image\nmetadata: {name: "${DIGEST}"}\nkind: Image\n`);
    const json = await write('dup.json', `{"kind": "Image",\n "signatures": [],\n "signatures": []}`);
    const items = await collect([yaml, json]);
    expect(items).toEqual([
      { source: yaml, path: '', line: 3, error: 'syntax error at line 3, column 1: Map keys must be unique' },
      expect.objectContaining({ source: json, path: '', line: 3, error: expect.stringMatching(/Map keys must be unique/) as unknown }),
    ]);
  });

  it('bounds alias expansion and refuses values JSON cannot hold', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const files = [
      await write('bomb.yaml', bomb),
      await write('cycle.yaml', 'kind: Image\na: &a [*a]\n'),
      await write('binary.yaml', 'kind: Image\nx: !!binary aGk=\n'),
      await write('inf.yaml', 'kind: Image\nx: .inf\n'),
      await write('mapkey.yaml', 'kind: Image\n? [a, b]\n: c\n'),
      await write('deep.json', `{"kind": "Image", "x": ${'['.repeat(100)}${']'.repeat(100)}}`),
      await write('deepalias.yaml', `kind: Image\na: &a ${'['.repeat(40)}${']'.repeat(40)}\nb: ${'['.repeat(40)}*a${']'.repeat(40)}\n`),
      await write('wide.json', `{"kind": "Image", ${Array.from({ length: 1001 }, (_, i) => `"k${i}": 0`).join(', ')}}`),
      await write('deeper.json', '['.repeat(100_000)),
      await write('deeper.yaml', `kind: Image\nx:\n  ${'- '.repeat(50_000)}x\n`),
    ];
    const items = await collect(files);
    expect(items.map((i) => ('error' in i ? i.error : 'image'))).toEqual([
      expect.stringMatching(/alias/i),
      expect.stringMatching(/alias|cycle/i),
      expect.stringMatching(/Unresolved tag/),
      expect.stringMatching(/finite/),
      expect.stringMatching(/keys must be scalars/),
      'syntax error at line 1, column 88: nesting deeper than 64 levels',
      'syntax error at line 1, column 1: nesting deeper than 64 levels',
      'syntax error at line 1, column 1: a mapping has more than 1000 keys',
      'syntax error at line 1, column 66: nesting deeper than 64 levels',
      'syntax error at line 3, column 131: nesting deeper than 64 levels',
    ]);
  });

  it('reports documents that are not Images, empty files and bad encodings', async () => {
    const files = [
      await write('scalar.yaml', 'hello\n'),
      await write('nokind.json', '{"metadata": {}}'),
      await write('empty.yaml', '# nothing here\n'),
      await write('latin1.json', new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x7d])),
      await write('items.yaml', 'kind: ImageList\nitems: {a: 1}\n'),
    ];
    const items = await collect(files);
    expect(items.map((i) => ('error' in i ? i.error : 'image'))).toEqual([
      'not an Image, ImageList or List: it is not a mapping',
      'not an Image, ImageList or List: it has no kind',
      'no Image, ImageList or List found (the input is empty)',
      'not valid UTF-8 text',
      'ImageList items must be a list',
    ]);
    expect(items[4]).toMatchObject({ path: '.items', line: 2 });
  });

  it('reports a missing file and goes on with the next argument', async () => {
    const good = await write('good.json', JSON.stringify(IMAGE));
    const missing = join(dir, 'does-not-exist.json');
    expect(await collect([missing, good])).toEqual([
      { source: missing, path: '', error: 'no such file or directory' },
      { source: good, path: '', line: 1, image: IMAGE },
    ]);
  });

  it('refuses a file over the size bound without parsing it', async () => {
    const file = await write('big.json', JSON.stringify(IMAGE));
    expect(await collect([file], nodeIO, { maxFileBytes: 10 })).toEqual([
      { source: file, path: '', error: expect.stringMatching(/^too large: \d+ bytes, the limit is 10$/) as unknown },
    ]);
  });
});

describe('readImageDocuments: directories', () => {
  it('walks recursively, in path order, reading only *.json, *.yaml and *.yml', async () => {
    const root = join(dir, 'tree');
    await write('tree/b.yaml', `kind: Image\nmetadata: {name: "${DIGEST}"}\n`);
    await write('tree/a.json', JSON.stringify(IMAGE));
    await write('tree/sub/deeper/c.yml', `kind: Image\nmetadata: {name: "${DIGEST}"}\n`);
    await write('tree/sub/notes.txt', 'not an image');
    await write('tree/README.md', '# docs');
    await write('tree/.hidden/x.json', JSON.stringify(IMAGE));
    await symlink(root, join(root, 'sub', 'loop'));
    const items = await collect([root]);
    expect(errorsOf(items)).toEqual([]);
    expect(items.map((i) => i.source)).toEqual([
      join(root, 'a.json'), join(root, 'b.yaml'), join(root, 'sub', 'deeper', 'c.yml'),
    ]);
  });

  it('reads an explicitly named file whatever its extension', async () => {
    const file = await write('image.txt', JSON.stringify(IMAGE));
    expect(await collect([file])).toEqual([{ source: file, path: '', line: 1, image: IMAGE }]);
  });
});

describe('readImageDocuments: standard input', () => {
  const stdinIO = (text: string): ImageInputIO => ({ ...nodeIO, stdin: () => Promise.resolve(new TextEncoder().encode(text)) });

  it('reads JSON from -', async () => {
    expect(await collect(['-'], stdinIO(JSON.stringify(IMAGE)))).toEqual([{ source: '-', path: '', line: 1, image: IMAGE }]);
  });

  it('reads multi-document YAML from -, and only once', async () => {
    const text = `kind: Image\nmetadata: {name: "${DIGEST}"}\n---\nkind: Image\nmetadata: {name: "${DIGEST}"}\n`;
    const items = await collect(['-', '-'], stdinIO(text));
    expect(items.map((i) => [i.source, i.path, 'error' in i ? i.error : 'image'])).toEqual([
      ['-', '[doc 1]', 'image'],
      ['-', '[doc 2]', 'image'],
      ['-', '', 'standard input was already read'],
    ]);
  });

  it('reports a failing or oversized standard input', async () => {
    const failing: ImageInputIO = { ...nodeIO, stdin: () => Promise.reject(new Error('boom')) };
    expect(await collect(['-'], failing)).toEqual([{ source: '-', path: '', error: 'cannot read: boom' }]);
    expect(await collect(['-'], stdinIO('x'.repeat(100)), { maxFileBytes: 50 })).toEqual([
      { source: '-', path: '', error: 'too large: 100 bytes, the limit is 50' },
    ]);
  });
});
