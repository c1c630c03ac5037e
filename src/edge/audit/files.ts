/**
 * The audit's files: the item journal (one JSON line per Image, the run's report spooled to disk so
 * memory stays flat and a killed run can resume), output targets with back-pressure (standard output
 * or a `--report` file), and the `--resume` checkpoint, replaced atomically.
 */
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { mkdtemp, rename, rm, truncate, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { formatCheckpoint, parseCheckpoint, type AuditCheckpoint } from '../../audit/checkpoint.js';
import { ConfigError } from '../../codes.js';

/** Text written in order, with back-pressure. */
export interface Target {
  write(text: string): void;
  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** A file written through a stream; `write` buffers, `flush` waits for the stream to drain. */
export function fileTarget(path: string, flags: 'w' | 'a' = 'w'): Target {
  const stream = createWriteStream(path, { flags });
  let failed: Error | undefined;
  let closed: Promise<void> | undefined;
  stream.on('error', (error) => {
    failed ??= error;
  });
  let buffer = '';
  const push = (): void => {
    if (buffer !== '') stream.write(buffer);
    buffer = '';
  };
  return {
    write(text) {
      buffer += text;
      if (buffer.length >= CHUNK) push();
    },
    async flush() {
      push();
      await drained(stream);
      if (failed) throw new ConfigError(`cannot write ${path}: ${failed.message}`);
    },
    /** Idempotent. */
    async close() {
      if (!closed) {
        push();
        closed = new Promise<void>((resolve) => stream.end(resolve));
      }
      await closed;
      if (failed) throw new ConfigError(`cannot write ${path}: ${failed.message}`);
    },
  };
}

/** Standard output through the CLI's writer, in chunks; waits when the real stdout's buffer grows large. */
export function stdoutTarget(write: (text: string) => void): Target {
  let buffer = '';
  const push = (): void => {
    if (buffer !== '') write(buffer);
    buffer = '';
  };
  return {
    write(text) {
      buffer += text;
      if (buffer.length >= CHUNK) push();
    },
    async flush() {
      push();
      if (process.stdout.writableLength > 4 * 1024 * 1024) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
    },
    async close() {
      push();
      return Promise.resolve();
    },
  };
}

function drained(stream: WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
  });
}

/** The item journal: appended during the run, read back to render reports at the end. */
export class Journal {
  private bytesWritten: number;
  private readonly target: Target;

  private constructor(readonly path: string, start: number, private readonly temporary: string | undefined) {
    this.bytesWritten = start;
    this.target = fileTarget(path, 'a');
    if (temporary !== undefined) process.once('exit', this.removeAtExit);
  }

  /** A run that ends by `process.exit` (stdout closed under it) skips `dispose`: the spool goes anyway. */
  private readonly removeAtExit = (): void => {
    if (this.temporary !== undefined) rmSync(this.temporary, { recursive: true, force: true });
  };

  /** A journal beside a resume file, cut back to `keepBytes` (the last checkpoint's length). */
  static async persistent(path: string, keepBytes: number): Promise<Journal> {
    if (keepBytes === 0) await writeFile(path, '');
    else {
      try {
        await truncate(path, keepBytes);
      } catch {
        throw new ConfigError(`--resume: the journal ${path} is missing; delete the resume file to start over`);
      }
    }
    return new Journal(path, keepBytes, undefined);
  }

  /** A journal in a fresh temporary directory, removed by `dispose`. */
  static async temporary(): Promise<Journal> {
    const dir = await mkdtemp(join(tmpdir(), 'imagetrust-audit-'));
    const path = join(dir, 'items.ndjson');
    await writeFile(path, '');
    return new Journal(path, 0, dir);
  }

  get bytes(): number {
    return this.bytesWritten;
  }

  append(line: string): void {
    this.bytesWritten += Buffer.byteLength(line);
    this.target.write(line);
  }

  flush(): Promise<void> {
    return this.target.flush();
  }

  /** The journal's lines, from the start up to what was appended. */
  async *lines(): AsyncGenerator<string, void, undefined> {
    await this.target.flush();
    if (this.bytesWritten === 0) return;
    const input = createReadStream(this.path, { start: 0, end: this.bytesWritten - 1, encoding: 'utf8' });
    for await (const line of createInterface({ input, crlfDelay: Infinity })) if (line !== '') yield line;
  }

  private disposed = false;

  /** Closes the journal (removing a temporary one). Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.target.close();
    if (this.temporary !== undefined) {
      process.off('exit', this.removeAtExit);
      await rm(this.temporary, { recursive: true, force: true });
    }
  }
}

/** The journal file that belongs to a resume file. */
export function journalPathFor(resumePath: string): string {
  return `${resumePath}.items.ndjson`;
}

/** The checkpoint at `path`, or undefined when there is none. Throws ConfigError for a file that is not one. */
export async function readCheckpoint(path: string): Promise<AuditCheckpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`--resume ${path}: ${(error as Error).message}`);
  }
  return parseCheckpoint(text, path);
}

/** Replaces the checkpoint atomically (write, then rename), so a kill never leaves half a file. */
export async function writeCheckpoint(path: string, checkpoint: AuditCheckpoint): Promise<void> {
  const temp = join(dirname(path), `.${path.split('/').pop() ?? 'checkpoint'}.${process.pid}.tmp`);
  await writeFile(temp, formatCheckpoint(checkpoint));
  await rename(temp, path);
}

/** Removes a finished run's checkpoint and journal. */
export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(journalPathFor(path), { force: true });
}
