// `kaito sandbox env`: prints `export K=V` lines from the state dir's env file, for eval in a shell.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { OperationError, UsageError } from '../../errors.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { shellQuote } from './start.js';
import { alive, readState, stateDirOf } from './state.js';
import { OUTPUT_SANDBOX as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { stateDir?: string }): Promise<number> {
  const dir = stateDirOf(opts.stateDir, ctx.io.env, ctx.io.cwd);
  let text: string;
  try {
    text = readFileSync(join(dir, 'env'), 'utf8');
  } catch {
    throw new UsageError(`no sandbox state in ${dir}`, 'start one with `kaito sandbox start` (or pass the --state-dir it used)');
  }
  // issue 17 item 14: exports of a sandbox that has exited would point every command at a closed port
  const state = readState(dir);
  if (!state || !alive(state.pid))
    throw new OperationError(`no sandbox is running for ${dir}${state ? ` (pid ${state.pid}, started ${state.startedAt}, has exited)` : ''}`, 'start one with `kaito sandbox start` (in another terminal, or in the background)');
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  // issue 17 item 14: a NODE_EXTRA_CA_CERTS the shell already has (a corporate CA) is kept: the export names a bundle
  // of that file and the sandbox CA, written next to it
  const current = ctx.io.env.NODE_EXTRA_CA_CERTS;
  if (env.NODE_EXTRA_CA_CERTS && current && resolve(current) !== resolve(env.NODE_EXTRA_CA_CERTS) && resolve(current) !== resolve(join(dir, 'ca-bundle.crt'))) {
    let theirs: string;
    try {
      theirs = readFileSync(current, 'utf8');
    } catch (e) {
      throw new UsageError(`NODE_EXTRA_CA_CERTS=${current} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}), so it cannot be kept next to the sandbox CA`, 'fix or unset NODE_EXTRA_CA_CERTS, then run this again');
    }
    const bundle = join(dir, 'ca-bundle.crt');
    writeFileSync(bundle, `${theirs.trimEnd()}\n${readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8')}`, { mode: 0o644 });
    env.NODE_EXTRA_CA_CERTS = bundle;
  }
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.env, 'text');
  printResult(ctx.io, format, {
    document: env,
    text: () => Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join(''),
  });
  return 0;
}
