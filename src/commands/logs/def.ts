import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('logs')
    .description('tuning or inference pod logs')
    .argument('[ws]', 'workspace (default: kaito.yaml current workspace)')
    .option('-f, --follow', 'stream new lines (survives a dropped stream)')
    .option('-c, --container <name>', 'container (default: the main one)')
    .option('--tail <n>', 'lines from the end')
    .option('--since <dur>', 'only lines newer than this, e.g. 10m')
    .option('--progress', 'render training progress (step/total, epoch, ETA, loss trend) instead of raw lines')
    .action(h.lazy(() => import('./logs.js')));
}
