import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  gc: ['table', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

export function register(program: Command, h: Harness): void {
  program
    .command('gc')
    .description('find (and with --yes delete) NodeClaims, NodePools, agent pools, ConfigMaps and Secrets whose workspace is gone')
    .option('-A, --all-namespaces', 'look for ConfigMaps and Secrets in every namespace (NodeClaims, NodePools and agent pools are cluster-wide)')
    .addHelpText('after', outputHelp(OUTPUT.gc))
    .hook('preAction', refuseOtherOutput(OUTPUT.gc))
    .action(h.lazy(() => import('./gc.js')));
}
