import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('status')
    .description('conditions, state, nodes, endpoint and progress of a workspace')
    .argument('[ws]', 'workspace (default: kaito.yaml current workspace)')
    .option('-w, --watch', 'stream changes')
    .action(h.lazy(() => import('./status.js')));
}
