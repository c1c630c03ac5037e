/**
 * The policies of a PolicyTest: read exactly as `--policy` reads them, except that a PolicyTest's
 * `spec.params` may replace the `spec.params` of named policies (to test a policy with stand-in
 * keys or names without copying it). The replaced params are type-checked like the policy's own.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigError } from '../codes.js';
import { compilePolicies, PolicyLoadError, type PolicyDocumentInput, type PolicySet } from '../policy/load.js';
import type { PolicyProblem } from '../policy/types.js';
import type { JsonObject } from '../types.js';
import { policyDocumentsFromText, readPolicySources } from './policy-input.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MAX_FILE_BYTES = 4 << 20;

/**
 * Compiles the policies at `paths` (files, or directories read as `--policy` reads them), with
 * `params` (policy name → params) replacing those policies' own. Throws PolicyLoadError for policy
 * problems, ConfigError for unreadable paths or params naming a policy that is not loaded.
 */
export async function loadTestPolicies(paths: readonly string[], params: Readonly<Record<string, JsonObject>>): Promise<PolicySet> {
  if (Object.keys(params).length === 0) return readPolicySources(paths);
  const documents: PolicyDocumentInput[] = [];
  const problems: PolicyProblem[] = [];
  for (const file of await policyFiles(paths)) {
    const info = await stat(file);
    if (info.size > MAX_FILE_BYTES) throw new ConfigError(`${file}: larger than ${MAX_FILE_BYTES} bytes`);
    const read = policyDocumentsFromText(await readFile(file, 'utf8'), file);
    problems.push(...read.problems);
    // As `--policy` does: PolicyTest and TrustRoot documents may share a file or folder with policies.
    documents.push(...read.documents.filter((doc) => !isOtherKind(doc.value)));
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  const unused = new Set(Object.keys(params));
  const patched = documents.map((doc) => {
    const name = nameOf(doc.value);
    const replacement = name === undefined ? undefined : params[name];
    if (name === undefined || replacement === undefined) return doc;
    unused.delete(name);
    const value = doc.value as JsonObject;
    return { ...doc, value: { ...value, spec: { ...(value['spec'] as JsonObject), params: replacement } } };
  });
  if (unused.size > 0) throw new ConfigError(`spec.params names ${[...unused].map((n) => JSON.stringify(n)).join(', ')}, which no policy of spec.policies defines`);
  const set = compilePolicies(patched);
  if (set.policies.length === 0) throw new ConfigError(`no ImagePolicy documents found in ${paths.join(', ')}`);
  return set;
}

/** Files as given; a directory's `*.yaml`, `*.yml` and `*.json` files in name order (not recursive). */
async function policyFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`policy ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    for (const entry of (await readdir(path)).sort()) {
      const child = join(path, entry);
      if (EXTENSIONS.has(extname(entry).toLowerCase()) && (await stat(child).catch(() => null))?.isFile() === true) files.push(child);
    }
  }
  return files;
}

function isOtherKind(value: unknown): boolean {
  return isObject(value) && value['apiVersion'] === 'imagetrust.io/v1alpha1' && (value['kind'] === 'PolicyTest' || value['kind'] === 'TrustRoot');
}

function nameOf(value: unknown): string | undefined {
  const metadata = isObject(value) ? value['metadata'] : undefined;
  const name = isObject(metadata) ? metadata['name'] : undefined;
  return typeof name === 'string' ? name : undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
