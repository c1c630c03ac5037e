#!/usr/bin/env node
// The executable: the only module with a top-level side effect.
import { createRequire } from 'node:module';
import { main } from './edge/cli.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  now: () => new Date(),
  version,
});
process.exitCode = code;
