import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('list')
    .alias('ls')
    .description('list workspaces: tuning and inference, preset, state')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('-w, --watch', 'stream changes')
    .action(h.lazy(() => import('./list.js')));
}
