import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  status: ['table', 'wide', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export function register(program: Command, h: Harness): void {
  program
    .command('status')
    .description('conditions, state, nodes, endpoint and progress of a workspace')
    .argument('[ws]', 'workspace (default: kaito.yaml current workspace)')
    .option('-w, --watch', 'stream changes')
    .addHelpText('after', outputHelp(OUTPUT.status))
    .hook('preAction', refuseOtherOutput(OUTPUT.status))
    .action(h.lazy(() => import('./status.js')));
}
