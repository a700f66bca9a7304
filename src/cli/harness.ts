// Wires commander actions to lazily imported command modules. A command module exports
// `run(ctx, opts, args)`; nothing heavy is imported until the command actually runs.
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import type { GlobalOptions } from './globals.js';

export type RunFn<O = Record<string, unknown>> = (ctx: CommandContext, opts: O, args: unknown[]) => Promise<number | void>;
export interface CommandModule { run: RunFn<any> }

export interface Harness {
  /** Exit code the command resolved with (set by the action). */
  exitCode: number;
  signal: AbortSignal;
  lazy(load: () => Promise<CommandModule>): (...params: unknown[]) => Promise<void>;
}

export function createHarness(signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Harness {
  const h: Harness = {
    exitCode: 0,
    signal,
    lazy(load) {
      return async (...params: unknown[]) => {
        const cmd = params[params.length - 1] as Command;
        const globals = cmd.optsWithGlobals() as GlobalOptions;
        // loaded here, not at the top: chalk and the kaito.yaml loader (yaml) are not needed for --help
        const [{ createIOStreams }, { createContext }] = await Promise.all([import('../ui/iostreams.js'), import('./context.js')]);
        const io = createIOStreams({ env, noColor: globals.color === false, noInput: globals.input === false });
        const ctx = createContext(io, globals, signal);
        const mod = await load();
        const opts = cmd.opts();
        const code = await mod.run(ctx, opts, cmd.processedArgs ?? []);
        h.exitCode = typeof code === 'number' ? code : 0;
      };
    },
  };
  return h;
}
