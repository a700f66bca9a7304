// `kaito sandbox start`: runs the sandbox in the foreground until Ctrl-C (or SIGTERM), then stops it
// cleanly and exits 0 — stopping on request is the normal way to end it, not an interruption.
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import { stateDirOf } from './state.js';

interface Opts {
  port?: string;
  stateDir?: string;
  kaitoVersion?: '0.6' | '0.10' | '0.11' | '0.12';
  nodeProvisioner?: 'azure-gpu-provisioner' | 'karpenter' | 'byo';
  nodeProvisioning?: 'nap' | 'byo';
  speed?: string;
  fault?: string[];
}

export async function run(ctx: CommandContext, opts: Opts): Promise<number> {
  const problems: string[] = [];
  const port = Number(opts.port ?? '7443');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`--port ${opts.port}: use a port number from 0 to 65535 (0 picks a free one)`);
  const speed = Number(opts.speed ?? '60');
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1_000_000) problems.push(`--speed ${opts.speed}: use a positive number, e.g. 60 (one emulated minute per second)`);
  const { parseFaults, resolveNodeProvisioner } = await import('../../sandbox/context.js');
  try {
    parseFaults(opts.fault);
  } catch (e) {
    problems.push((e as Error).message);
  }
  try {
    resolveNodeProvisioner(opts.kaitoVersion ?? '0.12', opts.nodeProvisioner, opts.nodeProvisioning);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length === 1) throw new UsageError(problems[0]);
  if (problems.length) throw new UsageError('invalid sandbox options', undefined, problems);

  const { startSandbox } = await import('../../sandbox/index.js');
  const debug = ctx.globals.debug;
  const sb = await startSandbox({
    port,
    stateDir: opts.stateDir ?? stateDirOf(undefined, ctx.io.env),
    kaitoVersion: opts.kaitoVersion,
    nodeProvisioner: opts.nodeProvisioner,
    nodeProvisioning: opts.nodeProvisioning,
    speed,
    faults: opts.fault,
    log: debug ? (line) => ctx.io.info(ctx.io.color.dim(line)) : undefined,
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use${port === 7443 ? ' (another sandbox? see `kaito sandbox status`)' : ''}`, 'pick another with --port N, or --port 0 for a free one');
    throw e;
  });
  const io = ctx.io;
  io.info(`✓ sandbox running at ${sb.url} (Kaito ${sb.ctx.kaitoVersion}, ${sb.ctx.nodeProvisioner === 'byo' ? 'bring your own nodes (byo)' : `node auto-provisioning (${sb.ctx.nodeProvisioner})`}, speed x${speed})`);
  io.info(`  state: ${sb.stateDir}`);
  // issue 17 item 14: a rehearsal under injected faults must say so where the user looks first
  if (opts.fault?.length) io.info(`  faults: ${opts.fault.join(' ')}`);
  io.info(`  datasets: https://${sb.ctx.datasetHost}:${sb.port}/ serves the sample datasets (GET / lists them)`);
  io.info('');
  io.info('Point kaito and kubectl at it (in another shell):');
  io.info(`  eval "$(kaito sandbox env${opts.stateDir ? ` --state-dir ${opts.stateDir}` : ''})"`);
  io.info('or export:');
  for (const [k, v] of Object.entries(sb.env)) io.info(`  export ${k}=${shellQuote(v)}`);
  io.info('');
  io.info('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sb.stop();
  io.info('✓ sandbox stopped');
  return 0;
}

export function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:=@,+-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}
