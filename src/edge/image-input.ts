/**
 * Finds OpenShift Images in files, directories and standard input: each `Image`, `ImageList` item
 * or `List` item becomes one raw document; everything unreadable becomes an input error, never a throw.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { oneLine } from '../codes.js';
import { DEFAULT_MAX_FILE_BYTES, documentsIn, inputError, tooLarge, type ImageInput, type InputError } from './image-documents.js';

export { DEFAULT_MAX_FILE_BYTES, documentsIn } from './image-documents.js';
export type { ImageDocument, ImageInput, InputError } from './image-documents.js';

/** What `readImageDocuments` needs from a file's metadata. */
export interface FileInfo {
  isFile(): boolean;
  isDirectory(): boolean;
  readonly size: number;
  readonly dev?: number;
  readonly ino?: number;
}

/** The file system and standard input, injectable for tests. */
export interface ImageInputIO {
  readFile(path: string): Promise<Uint8Array>;
  /** Follows symbolic links. */
  stat(path: string): Promise<FileInfo>;
  /** Entry names of a directory. */
  readdir(path: string): Promise<string[]>;
  /** All of standard input; may stop reading after `maxBytes + 1` bytes. */
  stdin(maxBytes: number): Promise<Uint8Array>;
}

/** Bounds for `readImageDocuments`. */
export interface ReadImageOptions {
  /** Largest file (or standard input) read, in bytes; default 64 MiB. */
  readonly maxFileBytes?: number;
}

const EXTENSIONS = /\.(?:json|ya?ml)$/;
const MAX_DIRECTORY_DEPTH = 64;

/** Node's file system and `process.stdin`. */
export const nodeIO: ImageInputIO = {
  readFile: (path) => readFile(path),
  stat: (path) => stat(path),
  readdir: (path) => readdir(path),
  async stdin(maxBytes) {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of process.stdin) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      total += buffer.length;
      if (total > maxBytes) break;
    }
    return Buffer.concat(chunks);
  },
};

/**
 * Yields every Image (or input error) of the arguments in order: files as given, directories
 * recursively (`*.json`, `*.yaml`, `*.yml`, sorted by path, hidden entries skipped), `-` for
 * standard input. Never throws for bad input or I/O failures.
 */
export async function* readImageDocuments(
  args: readonly string[],
  io: ImageInputIO = nodeIO,
  options: ReadImageOptions = {},
): AsyncGenerator<ImageInput, void, undefined> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let stdinRead = false;
  for (const arg of args) {
    if (arg === '-') {
      if (stdinRead) {
        yield { source: '-', path: '', error: 'standard input was already read' };
        continue;
      }
      stdinRead = true;
      const data = await attempt(() => io.stdin(maxBytes));
      yield* typeof data === 'string' ? [inputError('-', data)] : documentsIn('-', data, maxBytes);
      continue;
    }
    const info = await attempt(() => io.stat(arg));
    if (typeof info === 'string') {
      yield inputError(arg, info);
    } else if (info.isDirectory()) {
      const found: { files: string[]; errors: InputError[] } = { files: [], errors: [] };
      await walk(io, arg, found, new Set(), 0);
      yield* found.errors;
      for (const file of found.files.sort(byCodeUnits)) yield* await readOne(io, file, maxBytes);
    } else {
      yield* await readOne(io, arg, maxBytes, info);
    }
  }
}

async function walk(io: ImageInputIO, dir: string, found: { files: string[]; errors: InputError[] }, seen: Set<string>, depth: number): Promise<void> {
  const here = await attempt(() => io.stat(dir));
  const names = typeof here === 'string' ? here : await attempt(() => io.readdir(dir));
  if (typeof names === 'string') {
    found.errors.push(inputError(dir, names));
    return;
  }
  if (typeof here !== 'string' && here.dev !== undefined && here.ino !== undefined) {
    const id = `${here.dev}:${here.ino}`;
    if (seen.has(id)) return; // a symbolic link back into a directory already walked
    seen.add(id);
  }
  if (depth > MAX_DIRECTORY_DEPTH) {
    found.errors.push(inputError(dir, 'directories nested too deeply'));
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const info = await attempt(() => io.stat(path));
    if (typeof info === 'string') found.errors.push(inputError(path, info));
    else if (info.isDirectory()) await walk(io, path, found, seen, depth + 1);
    else if (info.isFile() && EXTENSIONS.test(name)) found.files.push(path);
  }
}

async function readOne(io: ImageInputIO, path: string, maxBytes: number, known?: FileInfo): Promise<ImageInput[]> {
  const info = known ?? (await attempt(() => io.stat(path)));
  if (typeof info === 'string') return [inputError(path, info)];
  if (info.size > maxBytes) return [inputError(path, tooLarge(info.size, maxBytes))];
  const data = await attempt(() => io.readFile(path));
  return typeof data === 'string' ? [inputError(path, data)] : documentsIn(path, data, maxBytes);
}

/** Runs an I/O step; a failure becomes a one-line message instead of a throw. */
async function attempt<T>(step: () => Promise<T>): Promise<T | string> {
  try {
    return await step();
  } catch (error) {
    return ioMessage(error);
  }
}

function ioMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return oneLine(`cannot read: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}



function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
