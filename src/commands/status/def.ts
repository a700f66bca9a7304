import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_STATUS as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('status')
    .description('conditions, state, nodes, endpoint and progress of a workspace')
    .argument('[ws]', 'workspace (default: kaito.yaml current workspace)')
    .option('-w, --watch', 'stream changes')
    .addHelpText('after', outputHelp(OUTPUT.status))
    .hook('preAction', refuseOtherOutput(OUTPUT.status))
    .action(h.lazy(() => import('./status.js')));
}
