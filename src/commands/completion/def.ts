import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('completion')
    .description('shell completion script')
    .argument('<shell>', 'bash | zsh | fish')
    .action(h.lazy(() => import('./completion.js')));
  // what the completion scripts call: candidates for the word being typed (hidden, like kubectl's __complete)
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption(true)
    .helpOption(false)
    .action(h.lazy(() => import('./complete-run.js')));
}
