import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  delete: ['json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

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
