import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  version: ['text', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export function register(program: Command, h: Harness): void {
  program
    .command('version')
    .description('print the version')
    .addHelpText('after', outputHelp(OUTPUT.version))
    .hook('preAction', refuseOtherOutput(OUTPUT.version))
    .action(h.lazy(() => import('./version.js')));
}
