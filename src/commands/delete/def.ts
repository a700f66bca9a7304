import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_DELETE as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('delete')
    .description('delete a workspace')
    .argument('<ws>', 'workspace')
    .option('--wait', 'wait until it is gone')
    .option('--timeout <dur>', 'how long --wait waits (default 10m)')
    .option('--with-nodepool', 'also delete the AKS node pool the CLI created for it')
    .addHelpText('after', outputHelp(OUTPUT.delete))
    .hook('preAction', refuseOtherOutput(OUTPUT.delete))
    .action(h.lazy(() => import('./delete.js')));
}
