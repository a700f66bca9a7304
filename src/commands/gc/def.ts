import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_GC as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('gc')
    .description('find (and with --yes delete) NodeClaims, NodePools, agent pools, ConfigMaps and Secrets whose workspace is gone')
    .option('-A, --all-namespaces', 'look for ConfigMaps and Secrets in every namespace (NodeClaims, NodePools and agent pools are cluster-wide)')
    .addHelpText('after', outputHelp(OUTPUT.gc))
    .hook('preAction', refuseOtherOutput(OUTPUT.gc))
    .action(h.lazy(() => import('./gc.js')));
}
