import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { addDeployFlags, addWaitFlags } from '../shared/flags.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_DEPLOY as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const cmd = program.command('deploy').description('submit an inference Workspace for a preset, optionally with LoRA adapters');
  addWaitFlags(addDeployFlags(cmd))
    .addOption(new Option('--dry-run [mode]', 'client (also when no mode is given): print only; server: ask the API server, change nothing').choices(['client', 'server']).preset('client'))
    .addHelpText('after', outputHelp(OUTPUT.deploy))
    .hook('preAction', refuseOtherOutput(OUTPUT.deploy))
    .action(h.lazy(() => import('./deploy.js')));
}
