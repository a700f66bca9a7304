import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_PRESETS as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const presets = program.command('presets').description('the model catalog: sizes, runtimes, tunability and GPU fit');
  presets
    .command('list')
    .description('list model presets')
    .option('--tunable', 'only presets that can be tuned')
    .addHelpText('after', outputHelp(OUTPUT.list))
    .hook('preAction', refuseOtherOutput(OUTPUT.list))
    .action(h.lazy(() => import('./list.js')));
  presets
    .command('show')
    .description('show one preset with a fit verdict per GPU SKU')
    .argument('<name>', 'preset name')
    .option('--region <name>', 'also show the Linux pay-as-you-go $/h of every SKU that fits, in this Azure region (e.g. eastus)')
    .addHelpText('after', outputHelp(OUTPUT.show))
    .hook('preAction', refuseOtherOutput(OUTPUT.show))
    .action(h.lazy(() => import('./show.js')));
}
