// Wires commander actions to lazily imported command modules. A command module exports
// `run(ctx, opts, args)`; nothing heavy is imported until the command actually runs.
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import type { Factory } from './factory.js';
import type { GlobalOptions } from './globals.js';
import type { IOStreamsOptions } from '../ui/iostreams.js';

export type RunFn<O = Record<string, unknown>> = (ctx: CommandContext, opts: O, args: unknown[]) => Promise<number | void>;
export interface CommandModule { run: RunFn<any> }

export interface Harness {
  /** Exit code the command resolved with (set by the action). */
  exitCode: number;
  signal: AbortSignal;
  lazy(load: () => Promise<CommandModule>): (...params: unknown[]) => Promise<void>;
}

// Commands whose code reaches the yaml library only through the cases needsYaml() checks (kaito.yaml, -o yaml,
// and the files render reads itself): they start without it. Every other command gets it preloaded, as
// before, so their synchronous parsers and printers never find it missing.
// The everyday kubectl-like commands are among them (issue 16): their objects arrive as JSON.
const YAML_FREE = new Set(['render tune', 'render deploy', 'presets list', 'presets show', 'version', 'status', 'list', 'wait', 'logs', 'delete', 'chat']);

async function needsYaml(cmd: Command, globals: GlobalOptions, env: NodeJS.ProcessEnv, cwd?: string): Promise<boolean> {
  const parent = cmd.parent?.parent ? `${cmd.parent.name()} ` : '';
  if (!YAML_FREE.has(parent + cmd.name())) return true;
  if (globals.output === 'yaml') return true;
  const [{ existsSync }, { projectConfigPath }] = await Promise.all([import('node:fs'), import('../config/project.js')]);
  return existsSync(projectConfigPath(globals.config ?? env.KAITO_CONFIG, cwd));
}

export function createHarness(signal: AbortSignal, env: NodeJS.ProcessEnv = process.env, streams: Pick<IOStreamsOptions, 'stdin' | 'stdout' | 'stderr' | 'cwd' | 'tty'> = {}, factory?: Partial<Factory>): Harness {
  const h: Harness = {
    exitCode: 0,
    signal,
    lazy(load) {
      return async (...params: unknown[]) => {
        const cmd = params[params.length - 1] as Command;
        const globals = cmd.optsWithGlobals() as GlobalOptions;
        // loaded here, not at the top: chalk and the kaito.yaml loader (yaml) are not needed for --help
        const [{ createIOStreams }, { createContext }] = await Promise.all([import('../ui/iostreams.js'), import('./context.js')]);
        if (await needsYaml(cmd, globals, env, streams.cwd)) await (await import('../core/yaml-lib.js')).loadYaml();
        const io = createIOStreams({ ...streams, env, noColor: globals.color === false, noInput: globals.input === false });
        const ctx = createContext(io, globals, signal, io.cwd, factory);
        const mod = await load();
        const opts = cmd.opts();
        const code = await mod.run(ctx, opts, cmd.processedArgs ?? []);
        h.exitCode = typeof code === 'number' ? code : 0;
      };
    },
  };
  return h;
}
