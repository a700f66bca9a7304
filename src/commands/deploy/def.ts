import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { addDeployFlags, addWaitFlags } from '../shared/flags.js';

export function register(program: Command, h: Harness): void {
  const cmd = program.command('deploy').description('submit an inference Workspace for a preset, optionally with LoRA adapters');
  addWaitFlags(addDeployFlags(cmd))
    .addOption(new Option('--dry-run [mode]', 'client (also when no mode is given): print only; server: ask the API server, change nothing').choices(['client', 'server']).preset('client'))
    .action(h.lazy(() => import('./deploy.js')));
}
