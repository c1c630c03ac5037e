#!/usr/bin/env node
// The executable: the only module with a top-level side effect.
import { createRequire } from 'node:module';
import { main } from './edge/cli.js';

// `imagetrust audit … | head`: the reader went away. Stop quietly (no stack trace), exit 2 as for
// any output error; the report was not delivered in full.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(2);
  throw error;
});

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  now: () => new Date(),
  version,
});
process.exitCode = code;
