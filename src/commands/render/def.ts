import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { addDeployFlags, addTuneFlags } from '../shared/flags.js';
import { MAX_COST_FLAG, REGION_FLAG } from '../shared/estimate-flags.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_RENDER as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const render = program
    .command('render')
    .description('print the manifests `tune` or `deploy` would apply (no cluster needed, deterministic)');
  addTuneFlags(render.command('tune').description('render a tuning Workspace and its ConfigMap'))
    .option('--output-dir <dir>', 'write one file per object instead of printing')
    .option('--kaito-version <v>', 'Kaito release to render for: 0.6, 0.10, 0.11 or 0.12 (default 0.12)')
    .option('--estimate', 'also print the time and cost estimate on stderr (reads the first dataset URL and the Azure price)')
    .option(...MAX_COST_FLAG)
    .option(...REGION_FLAG)
    .addHelpText('after', outputHelp(OUTPUT.tune))
    .hook('preAction', refuseOtherOutput(OUTPUT.tune))
    .action(h.lazy(() => import('./tune.js')));
  addDeployFlags(render.command('deploy').description('render an inference Workspace'))
    .option('--output-dir <dir>', 'write one file per object instead of printing')
    .option('--kaito-version <v>', 'Kaito release to render for: 0.6, 0.10, 0.11 or 0.12 (default 0.12)')
    .addHelpText('after', outputHelp(OUTPUT.deploy))
    .hook('preAction', refuseOtherOutput(OUTPUT.deploy))
    .action(h.lazy(() => import('./deploy.js')));
}
