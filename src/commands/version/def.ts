import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_VERSION as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('version')
    .description('print the version')
    .addHelpText('after', outputHelp(OUTPUT.version))
    .hook('preAction', refuseOtherOutput(OUTPUT.version))
    .action(h.lazy(() => import('./version.js')));
}
