import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('completion')
    .description('shell completion script')
    .argument('<shell>', 'bash | zsh | fish')
    .action(h.lazy(() => import('./run.js')));
}
