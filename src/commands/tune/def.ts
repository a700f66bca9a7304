import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { addTuneFlags, addWaitFlags } from '../shared/flags.js';
import { MAX_COST_FLAG, REGION_FLAG } from '../shared/estimate-flags.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_TUNE as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const cmd = program.command('tune').description('submit a LoRA/QLoRA tuning Workspace (idempotent)');
  addWaitFlags(addTuneFlags(cmd))
    .addOption(new Option('--dry-run [mode]', 'client (also when no mode is given): print only; server: ask the API server, change nothing').choices(['client', 'server']).preset('client'))
    .option('--skip-dataset-check', 'do not fetch and validate the first dataset URL')
    .option('--delete-after', 'with --wait: after success save logs, status and adapter reference (--logs-dir), then delete the workspace')
    .option('--no-delete-after', 'keep the workspace even when kaito.yaml sets tune.deleteAfter')
    .option('--logs-dir <dir>', 'where --delete-after saves the run (default ./kaito-runs/<ws>-<time>/)')
    .option(...MAX_COST_FLAG)
    .option(...REGION_FLAG)
    .addHelpText('after', outputHelp(OUTPUT.tune))
    .hook('preAction', refuseOtherOutput(OUTPUT.tune))
    .action(h.lazy(() => import('./tune.js')));
}
