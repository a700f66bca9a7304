import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('delete')
    .description('delete a workspace')
    .argument('<ws>', 'workspace')
    .option('--wait', 'wait until it is gone')
    .option('--timeout <dur>', 'how long --wait waits (default 10m)')
    .option('--with-nodepool', 'also delete the AKS node pool the CLI created for it')
    .action(h.lazy(() => import('./delete.js')));
}
