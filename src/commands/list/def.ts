import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  list: ['table', 'wide', 'json', 'yaml', 'name'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export function register(program: Command, h: Harness): void {
  program
    .command('list')
    .alias('ls')
    .description('list workspaces: tuning and inference, preset, state')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('-w, --watch', 'stream changes')
    .addHelpText('after', outputHelp(OUTPUT.list))
    .hook('preAction', refuseOtherOutput(OUTPUT.list))
    .action(h.lazy(() => import('./list.js')));
}
