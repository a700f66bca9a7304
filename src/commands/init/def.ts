import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { collect } from '../shared/flags.js';

export function register(program: Command, h: Harness): void {
  program
    .command('init')
    .description('wizard: cluster target, preset, method, dataset, output registry, placement; writes kaito.yaml')
    .option('--preset <name>', 'tunable preset')
    .addOption(new Option('--method <method>', 'tuning method').choices(['lora', 'qlora']))
    .option('--dataset <url>', 'dataset URL', collect)
    .option('--output-image <image>', 'where the adapter image is pushed')
    .option('--push-secret <name>', 'docker-registry Secret for pushing')
    .option('--instance-type <sku>', 'GPU VM size')
    .option('--nodepool <pool>', 'existing or new node pool')
    .option('--workspace <ws>', 'workspace name')
    .option('--force', 'overwrite an existing kaito.yaml')
    .addOption(new Option('--auth <method>', 'Azure credential').choices(['default', 'cli', 'env', 'workload', 'managed-identity']))
    .action(h.lazy(() => import('./run.js')));
}
