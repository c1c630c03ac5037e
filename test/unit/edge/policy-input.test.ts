// Reading --policy paths (src/edge/policy-input.ts) and the YAML positions it relies on.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/codes.js';
import { readPolicySources } from '../../../src/edge/policy-input.js';
import { parseYamlDocuments } from '../../../src/edge/yaml.js';
import { PolicyLoadError } from '../../../src/policy/load.js';
import { policyYaml } from '../../helpers/policy.js';

const policy = (name: string) => policyYaml(name, 'validations:\n  - expression: "true"\nvalidationActions: [Deny]');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'imagetrust-policy-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('readPolicySources', () => {
  it('reads files and directories (sorted, not recursive), several documents per file', async () => {
    const dir = folder({
      'b.yaml': `${policy('b1')}---\n${policy('b2')}`,
      'a.yml': policy('a'),
      'c.json': JSON.stringify({ apiVersion: 'imagetrust.io/v1alpha1', kind: 'ImagePolicy', metadata: { name: 'c' }, spec: { validations: [{ expression: 'true' }], validationActions: ['Deny'] } }),
      'notes.txt': 'ignored',
      'sub/d.yaml': policy('d'),
    });
    const set = await readPolicySources([dir]);
    expect(set.policies.map((p) => p.name)).toEqual(['a', 'b1', 'b2', 'c']);
    expect((await readPolicySources([join(dir, 'sub/d.yaml'), join(dir, 'a.yml')])).policies.map((p) => p.name)).toEqual(['d', 'a']);
  });

  it('skips PolicyTest and TrustRoot documents beside the policies', async () => {
    const dir = folder({ 'p.yaml': policy('p'), 'p.test.yaml': 'apiVersion: imagetrust.io/v1alpha1\nkind: PolicyTest\nmetadata: {name: t}\n' });
    expect((await readPolicySources([dir])).policies.map((p) => p.name)).toEqual(['p']);
  });

  it('reports the problems of every file at once, with file:line:col', async () => {
    const dir = folder({ 'a.yaml': 'key: [unclosed', 'b.yaml': policy('b').replace('"true"', '"1 +"') });
    const error = await readPolicySources([dir]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyLoadError);
    const problems = (error as PolicyLoadError).problems;
    expect(problems.map((p) => p.source)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yaml')]);
    expect(problems[1]).toMatchObject({ line: 7 });
  });

  it('a missing path, an empty directory or no policy at all is a ConfigError', async () => {
    await expect(readPolicySources(['/nonexistent/policies'])).rejects.toBeInstanceOf(ConfigError);
    await expect(readPolicySources([folder({ 'x.txt': '' })])).rejects.toBeInstanceOf(ConfigError);
    await expect(readPolicySources([folder({ 'empty.yaml': '# nothing\n' })])).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('YamlDocument.positionOf', () => {
  const text = 'a:\n  plain: x > 1\n  quoted: "y > 2"\n  escaped: "a\\tb"\n  block: |\n    first\n      second\n';
  const parsed = parseYamlDocuments(text, 't.yaml');
  const doc = parsed.ok ? parsed.documents[0] : undefined;

  it('gives the node start, and a character inside plain, quoted and literal block scalars', () => {
    expect(doc?.positionOf(['a', 'plain'])).toEqual({ line: 2, col: 10 });
    expect(doc?.positionOf(['a', 'plain'], 4)).toEqual({ line: 2, col: 14 });
    expect(doc?.positionOf(['a', 'quoted'], 2)).toEqual({ line: 3, col: 14 });
    expect(doc?.positionOf(['a', 'escaped'], 2)).toEqual({ line: 4, col: 12 });
    expect(doc?.positionOf(['a', 'block'], 8)).toEqual({ line: 7, col: 7 });
    expect(doc?.positionOf(['a', 'missing'])).toBeUndefined();
  });
});
