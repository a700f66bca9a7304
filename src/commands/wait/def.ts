import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_WAIT as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('wait')
    .description('block until a workspace is ready, succeeded or deleted; fails early with the root cause')
    .argument('[ws]', 'workspace (default: kaito.yaml current workspace)')
    .option('--for <what>', 'ready | succeeded | deleted | condition=NAME[=VALUE] (default: succeeded for tuning, ready for inference)')
    .option('--timeout <dur>', 'deadline (default 6h tuning, 90m inference)')
    .addHelpText('after', outputHelp(OUTPUT.wait))
    .hook('preAction', refuseOtherOutput(OUTPUT.wait))
    .action(h.lazy(() => import('./wait.js')));
}
