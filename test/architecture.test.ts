// The shape of the code, checked mechanically: the core does no I/O and never imports the edge,
// and each third-party library is imported by exactly one module.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const files = sources('src').map((path) => ({
  path: relative('src', path).replaceAll('\\', '/'),
  imports: [...readFileSync(path, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? ''),
}));
const isEdge = (path: string): boolean => path.startsWith('edge/') || path === 'bin.ts' || path === 'index.ts';

describe('architecture', () => {
  it.each(files.filter((f) => !isEdge(f.path)).map((f) => [f.path, f.imports] as const))('core module %s does no I/O and never imports the edge', (_path, imports) => {
    for (const spec of imports) {
      expect(spec).not.toMatch(/(^|\/)edge\//);
      expect(spec).not.toMatch(/^(node:)?(fs|fs\/promises|http|https|net|child_process|process|worker_threads)$/);
    }
  });

  const owners: Record<string, string> = {
    openpgp: 'trust/openpgp.ts',
    '@peculiar/asn1-schema': 'x509/asn1.ts',
    '@peculiar/asn1-x509': 'x509/asn1.ts',
    'lru-cache': 'engine.ts',
    'seek-bzip': 'pgp/bzip2.ts',
    yaml: 'edge/yaml.ts',
    commander: 'edge/cli.ts',
    '@marcbachmann/cel-js': 'policy/cel.ts',
    re2js: 'policy/regex.ts',
    'prom-client': 'edge/serve/metrics.ts',
    '@kubernetes/client-node': 'edge/audit/kube-config.ts',
  };
  it.each(Object.entries(owners))('%s is imported only by %s', (library, owner) => {
    const importers = files.filter((f) => f.imports.includes(library)).map((f) => f.path);
    expect(importers).toEqual([owner]);
  });
});
