#!/usr/bin/env node
// Tiny launcher: everything lives in the bundle under dist/. run() resolves with the exit code once the
// command is finished; exiting explicitly means no idle keep-alive socket can hold the process open.
//
// Fast path: `kaito --help` written to a pipe prints the root help the build rendered with commander
// (dist/help.txt), without loading the command tree. On a terminal commander renders it for the
// terminal's width. KAITO_NO_HELP_CACHE=1 turns the fast path off.
import { readFileSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && !isatty(1) && !process.env.KAITO_NO_HELP_CACHE) {
  let help;
  try {
    help = readFileSync(new URL('../dist/help.txt', import.meta.url));
  } catch {
    // no cached help: fall through to commander
  }
  if (help) {
    writeSync(1, help);
    process.exit(0);
  }
}
const { run } = await import('../dist/main.js');
const code = await run(process.argv);
process.exit(code);
