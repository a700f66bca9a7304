// `kaito sandbox status`: is a sandbox running for this state dir? The state file names the pid and URL;
// the process must be alive and GET /version must answer (with the sandbox's CA) for "running".
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { alive, readState, stateDirOf } from './state.js';
import { OUTPUT_SANDBOX as OUTPUT } from '../output-formats.js';

function probe(url: string, ca: string | undefined, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(new URL('/version', url), { ca, timeout: 3000, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      // 401 also proves something is listening; only the sandbox's own answer counts as "running"
      res.on('end', () => resolve(res.statusCode === 200 || res.statusCode === 401 ? String(res.statusCode) : undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export async function run(ctx: CommandContext, opts: { stateDir?: string }): Promise<number> {
  const dir = stateDirOf(opts.stateDir, ctx.io.env, ctx.io.cwd);
  const state = readState(dir);
  let ca: string | undefined;
  try {
    ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
  } catch {
    ca = undefined;
  }
  const running = !!state && alive(state.pid) && !!(await probe(state.url, ca, ctx.signal));
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.status, 'text');
  const doc = { running, stateDir: dir, ...(state && running ? state : {}) };
  printResult(ctx.io, format, {
    document: doc,
    text: () =>
      running && state
        ? `running: ${state.url} (pid ${state.pid}, Kaito ${state.kaitoVersion}, ${state.nodeProvisioner ?? state.nodeProvisioning}, speed x${state.speed}${state.faults.length ? `, faults ${state.faults.join(' ')}` : ''})\nstate: ${dir}\n`
        : `not running (state dir ${dir})\n`,
  });
  return running ? 0 : 1;
}
