/**
 * Calls `onChange` (debounced) when anything under some paths may have changed: fs.watch on each
 * directory (recursively) and on the directory holding each file, since Kubernetes updates mounted
 * Secrets and ConfigMaps by swapping a `..data` symlink beside the files rather than writing them;
 * plus a slow poll of the files' sizes and modification times, for changes no watcher reports
 * (network filesystems, lost watches): it calls `onChange` only when that fingerprint changed, so an
 * idle server does not reload (and recompile) its configuration every minute. `onChange` must still
 * find out itself whether anything that matters changed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WatchOptions {
  readonly debounceMs?: number;
  /** 0 turns polling off. */
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
}

export interface Watch {
  close(): void;
}

export async function watchPaths(paths: readonly string[], onChange: () => void, options: WatchOptions = {}): Promise<Watch> {
  const debounceMs = options.debounceMs ?? 300;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  const targets = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    targets.add(info?.isDirectory() === true ? path : dirname(path));
  }
  for (const target of targets) {
    try {
      const watcher = watch(target, { recursive: true, persistent: false }, fire);
      watcher.on('error', (error) => options.log?.(`watching ${target} stopped: ${error.message} (polling goes on)`));
      watchers.push(watcher);
    } catch (error) {
      options.log?.(`cannot watch ${target}: ${(error as Error).message} (polling only)`);
    }
  }
  let last = await fingerprint(paths);
  const check = async (): Promise<void> => {
    const now = await fingerprint(paths);
    if (now === last) return;
    last = now;
    onChange();
  };
  const poll = (options.pollMs ?? 60_000) > 0 ? setInterval(() => void check(), options.pollMs ?? 60_000) : undefined;
  poll?.unref();
  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      for (const watcher of watchers) watcher.close();
    },
  };
}

const MAX_ENTRIES = 10_000;

/** Path, size and modification time of every file under `paths` (following symlinks), as one string. */
async function fingerprint(paths: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info === null) {
      parts.push(`${path} missing`);
      continue;
    }
    parts.push(`${path} ${info.size} ${info.mtimeMs} ${info.ino}`);
    if (!info.isDirectory()) continue;
    const entries = await readdir(path, { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries.sort().slice(0, MAX_ENTRIES)) {
      const child = await stat(`${path}/${entry}`).catch(() => null);
      parts.push(child === null ? `${entry} missing` : `${entry} ${child.size} ${child.mtimeMs} ${child.ino}`);
    }
  }
  return parts.join('\n');
}
