import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('demo')
    .description('the whole lifecycle against a throw-away in-process sandbox, narrated')
    .option('--speed <x>', 'sandbox speed-up', '600')
    .action(h.lazy(() => import('./run.js')));
}
