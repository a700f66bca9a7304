import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program.command('version').description('print the version').action(h.lazy(() => import('./version.js')));
}
