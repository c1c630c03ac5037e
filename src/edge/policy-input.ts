/**
 * Reads `--policy` arguments: YAML or JSON files of `ImagePolicy` documents (several per file), or
 * directories of them (`*.yaml`, `*.yml`, `*.json`, in name order, not recursive). Every problem of
 * every file is collected before failing, each as `file:line:col: message`.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigError } from '../codes.js';
import { compilePolicies, PolicyLoadError, type PolicyDocumentInput, type PolicySet } from '../policy/load.js';
import type { PolicyLimits, PolicyProblem } from '../policy/types.js';
import { parseYamlDocuments } from './yaml.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const MAX_FILE_BYTES = 4 << 20;

/** Parsed documents of one text, or its YAML problem. Never throws. */
export function policyDocumentsFromText(text: string, source: string): { documents: PolicyDocumentInput[]; problems: PolicyProblem[] } {
  const parsed = parseYamlDocuments(text, source);
  if (!parsed.ok) return { documents: [], problems: [{ source, line: parsed.error.line, col: parsed.error.col, message: parsed.error.message }] };
  return {
    documents: parsed.documents.map((doc) => ({ value: doc.value, source, positionOf: (path, offset) => doc.positionOf(path, offset) })),
    problems: [],
  };
}

/** Other imagetrust kinds that may share a folder (or file) with policies: skipped, not errors. */
const OTHER_KINDS = new Set(['PolicyTest', 'TrustRoot']);

function isOtherKind(value: unknown): boolean {
  const doc = value as { apiVersion?: unknown; kind?: unknown } | null;
  return typeof doc === 'object' && doc !== null && doc.apiVersion === 'imagetrust.io/v1alpha1' && typeof doc.kind === 'string' && OTHER_KINDS.has(doc.kind);
}

/**
 * Compiles policies from texts (YAML or JSON, several documents each; `PolicyTest` and `TrustRoot`
 * documents are skipped). Throws PolicyLoadError with every problem (YAML syntax included),
 * ConfigError for invalid limits.
 */
export function compilePolicyTexts(texts: readonly { text: string; source: string }[], options?: PolicyLimits): PolicySet {
  const documents: PolicyDocumentInput[] = [];
  const problems: PolicyProblem[] = [];
  for (const { text, source } of texts) {
    const read = policyDocumentsFromText(text, source);
    documents.push(...read.documents.filter((doc) => !isOtherKind(doc.value)));
    problems.push(...read.problems);
  }
  let set: PolicySet | undefined;
  try {
    set = compilePolicies(documents, options);
  } catch (error) {
    if (!(error instanceof PolicyLoadError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || set === undefined) throw new PolicyLoadError(problems);
  return set;
}

/** The files a path stands for: itself, or a directory's policy files in name order. Throws ConfigError. */
async function policyFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`--policy ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
  });
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of (await readdir(path)).sort()) {
    const child = join(path, entry);
    if (!EXTENSIONS.has(extname(entry).toLowerCase())) continue;
    const childInfo = await stat(child).catch(() => null);
    if (childInfo?.isFile() === true) files.push(child);
  }
  return files;
}

/**
 * Reads and compiles policy files and directories. Throws ConfigError for a missing or unreadable
 * path or a path that holds no ImagePolicy, PolicyLoadError listing every problem of every file.
 */
export async function readPolicySources(paths: readonly string[], options?: PolicyLimits): Promise<PolicySet> {
  const texts: { text: string; source: string }[] = [];
  for (const path of paths) {
    const files = await policyFiles(path);
    if (files.length === 0) throw new ConfigError(`--policy ${path}: no *.yaml, *.yml or *.json files`);
    for (const file of files) {
      const info = await stat(file);
      if (info.size > MAX_FILE_BYTES) throw new ConfigError(`${file}: larger than ${MAX_FILE_BYTES} bytes`);
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new ConfigError(`${file}: ${error.message}`);
      });
      texts.push({ text, source: file });
    }
  }
  const set = compilePolicyTexts(texts, options);
  if (set.policies.length === 0) throw new ConfigError(`no ImagePolicy documents found in ${paths.join(', ')}`);
  return set;
}
