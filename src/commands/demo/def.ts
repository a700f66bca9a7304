import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { collect } from '../shared/flags.js';
import { DEFAULT_SPEED } from './plan.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_DEMO as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('demo')
    .description('the whole lifecycle against a throw-away in-process sandbox, narrated (no Azure, no GPU, no network)')
    .option('--speed <x>', 'how many times faster than real time the sandbox runs', String(DEFAULT_SPEED))
    // for tests and rehearsals of failures: passed to the sandbox as `kaito sandbox start --fault SPEC`
    .addOption(new Option('--fault <spec>', 'inject a sandbox fault (repeatable)').argParser(collect).hideHelp())
    .addHelpText('after', outputHelp(OUTPUT.demo))
    .hook('preAction', refuseOtherOutput(OUTPUT.demo))
    .action(h.lazy(() => import('./demo.js')));
}
