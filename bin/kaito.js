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
// `kaito version` / `kaito --version` alone: the same text the command prints, without the command tree
if (args.length === 1 && (args[0] === 'version' || args[0] === '--version') && !process.env.KAITO_NO_HELP_CACHE) {
  let version;
  try {
    version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    // no package.json beside the bundle: the command tree knows
  }
  if (version) {
    const text = args[0] === 'version' ? `kaito ${version} (node ${process.versions.node}, ${process.platform}/${process.arch})\n` : `${version}\n`;
    try {
      writeSync(1, text);
    } catch {
      // a closed pipe: nothing to say
    }
    process.exit(0);
  }
}
// undici parses HTTP with a WebAssembly build of llhttp, and V8 optimises that module on background threads
// that process exit then waits for: ~250 ms on Node 20 and ~100 ms on Node 24 after the command has finished
// (issue 16, measured when the Kubernetes client still used undici; registry, dataset downloads and --endpoint still
// do). A short command is better served by the baseline compiler alone; `kaito proxy`, which parses for hours, keeps
// the optimising one.
if (!args.includes('proxy')) {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--liftoff-only');
}
// Node >= 22.1 keeps V8's compiled code of the bundle on disk between runs (issue 16: compiling the chunks
// was the largest part of a kubectl-like command's start-up); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
if (Number(process.versions.node.split('.')[0]) >= 22) {
  const { enableCompileCache } = await import('node:module');
  try {
    enableCompileCache?.();
  } catch {
    // a cache folder that cannot be made only costs speed
  }
}
const { run } = await import('../dist/main.js');
const code = await run(process.argv);
process.exit(code);
