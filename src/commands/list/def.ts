import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_LIST as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('list')
    .alias('ls')
    .description('list workspaces: tuning and inference, preset, state')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('-w, --watch', 'stream changes')
    .addHelpText('after', outputHelp(OUTPUT.list))
    .hook('preAction', refuseOtherOutput(OUTPUT.list))
    .action(h.lazy(() => import('./list.js')));
}
