// Builds the root command and is the one place where errors become exit codes.
import { Command, CommanderError, Help, type Option } from 'commander';
import type { Readable, Writable } from 'node:stream';
import { createHarness, type Harness } from './cli/harness.js';
import type { Factory } from './cli/factory.js';
import type { TtyFacts } from './ui/iostreams.js';
import { addGlobalOptions } from './cli/globals.js';
import { ExitCode, InterruptedError, isKaitoError, UsageError } from './errors.js';
import { redact } from './ui/redact.js';
import { VERSION } from './version.js';
// core/ reads the presets and templates through this source (src/core/catalog-source.ts)
import './catalog/files.js';
import * as presets from './commands/presets/def.js';
import * as render from './commands/render/def.js';
import * as init from './commands/init/def.js';
import * as tune from './commands/tune/def.js';
import * as deploy from './commands/deploy/def.js';
import * as wait from './commands/wait/def.js';
import * as status from './commands/status/def.js';
import * as list from './commands/list/def.js';
import * as logs from './commands/logs/def.js';
import * as del from './commands/delete/def.js';
import * as chat from './commands/chat/def.js';
import * as proxy from './commands/proxy/def.js';
import * as nodepool from './commands/nodepool/def.js';
import * as dataset from './commands/dataset/def.js';
import * as adapter from './commands/adapter/def.js';
import * as doctor from './commands/doctor/def.js';
import * as gc from './commands/gc/def.js';
import * as sandbox from './commands/sandbox/def.js';
import * as demo from './commands/demo/def.js';
import * as completion from './commands/completion/def.js';
import * as version from './commands/version/def.js';
import * as lint from './commands/lint/def.js';

const COMMANDS = [init, presets, render, tune, deploy, wait, status, list, logs, del, chat, proxy, nodepool, dataset, adapter, lint, doctor, gc, sandbox, demo, completion, version];

export function buildProgram(h: Harness = createHarness(new AbortController().signal)): Command {
  const program = new Command('kaito');
  program
    .description('Kaito on AKS from the terminal: render, provision, tune, wait, deploy and chat')
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    // commander's "preset: ..." note clashes with the model preset (issue 17 item 13): descriptions say the default instead
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, optionDescription: (o: Option) => new Help().optionDescription(Object.assign(Object.create(Object.getPrototypeOf(o) as object), o, { presetArg: undefined }) as Option) })
    .exitOverride()
    .allowExcessArguments(false);
  addGlobalOptions(program);
  for (const c of COMMANDS) c.register(program, h);
  // every subcommand (and theirs) shares the error handling of the root
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().showHelpAfterError('(run with --help for usage)').allowExcessArguments(false);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** What a run sees of the process: everything defaults to the real one (bin/kaito.js passes nothing). */
export interface RunOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** default process.stdin */
  stdin?: Readable;
  env?: NodeJS.ProcessEnv;
  /** replaces parts of the commands' factory (src/cli/factory.ts): fake clients, a fixed clock, scripted prompts */
  factory?: Partial<Factory>;
  /** where relative paths and kaito.yaml are looked up (default process.cwd()) */
  cwd?: string;
  /** TTY facts of the injected streams (default: what the streams say; plain streams are not TTYs) */
  tty?: TtyFacts;
  /** aborting it is a Ctrl-C (in-process callers: stop a `sandbox start`, interrupt a wait) */
  signal?: AbortSignal;
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<number> {
  // process.stderr is created on first access (a pipe loads node:net): only touch it when writing to it
  const stderr = () => opts.stderr ?? process.stderr;
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(ExitCode.INTERRUPTED);
    ac.abort(new InterruptedError());
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const onAbort = () => ac.abort(new InterruptedError());
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const debug = argv.includes('--debug');
  const h = createHarness(ac.signal, opts.env, { stdin: opts.stdin, stdout: opts.stdout as Writable | undefined, stderr: opts.stderr as Writable | undefined, cwd: opts.cwd, tty: opts.tty }, opts.factory);
  const program = buildProgram(h);
  const output = {
    writeOut: (s: string) => (opts.stdout ?? process.stdout).write(s),
    writeErr: (s: string) => stderr().write(s),
    outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, 'error: ')),
  };
  // subcommands copied the root's settings when they were made: their help and errors go to the run's streams too
  const configure = (cmd: Command) => {
    cmd.configureOutput(output);
    cmd.commands.forEach(configure);
  };
  configure(program);
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return ExitCode.USAGE;
    }
    await program.parseAsync(argv);
    return h.exitCode;
  } catch (e) {
    return reportError(e, stderr, debug, ac.signal);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function reportError(e: unknown, lazyStderr: () => NodeJS.WritableStream, debug: boolean, signal: AbortSignal): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.OK;
    // commander already printed its one-line message
    return ExitCode.USAGE;
  }
  const stderr = lazyStderr();
  if (signal.aborted && !isKaitoError(e)) e = signal.reason;
  if (isKaitoError(e)) {
    stderr.write(`error: ${redact(e.message)}\n`);
    if (e instanceof UsageError) for (const p of e.problems) stderr.write(`  - ${redact(p)}\n`);
    if (e.hint) stderr.write(`  ${redact(e.hint)}\n`);
    if (debug && e.stack) stderr.write(redact(e.stack) + '\n');
    return e.exitCode;
  }
  const err = e as Error;
  stderr.write(`error: ${redact(err?.message ?? String(e))}\n`);
  if (debug && err?.stack) stderr.write(redact(err.stack) + '\n');
  else stderr.write('  this is a bug in kaito: run again with --debug and report the output\n');
  return ExitCode.FAILED;
}
