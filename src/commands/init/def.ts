import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { collect } from '../shared/flags.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_INIT as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('init')
    .description('wizard: cluster target, preset, method, dataset, output registry, placement; writes kaito.yaml')
    .option('--preset <name>', 'tunable preset')
    .addOption(new Option('--method <method>', 'tuning method').choices(['lora', 'qlora']))
    .option('--dataset <url>', 'dataset URL, http/https (checked on the spot)', collect)
    .option('--dataset-image <image>', 'dataset baked into a container image (instead of --dataset)')
    .option('--dataset-pvc <claim>', 'dataset on a PersistentVolumeClaim (instead of --dataset)')
    .option('--skip-dataset-check', 'do not download and validate the dataset URL')
    .option('--output-image <image>', 'where the adapter image is pushed')
    .option('--push-secret <name>', 'docker-registry Secret for pushing')
    .option('--output-pvc <claim>', 'write the adapter to a PersistentVolumeClaim (instead of --output-image)')
    .option('--instance-type <sku>', 'GPU VM size')
    .option('--nodepool <pool>', 'existing or new node pool')
    .option('--workspace <ws>', 'tuning workspace name (default <preset>-<method>)')
    .option('--eval-split <f>', 'kaito.yaml tune.evalSplit: hold out this fraction (0 < f < 0.5) for eval loss')
    .option('--delete-after', 'kaito.yaml tune.deleteAfter: `kaito tune --wait` saves the run and deletes the workspace')
    .option('--force', 'overwrite an existing kaito.yaml')
    .addOption(new Option('--auth <method>', 'Azure credential').choices(['default', 'cli', 'env', 'workload', 'managed-identity']))
    .addHelpText('after', outputHelp(OUTPUT.init))
    .hook('preAction', refuseOtherOutput(OUTPUT.init))
    .action(h.lazy(() => import('./init.js')));
}
