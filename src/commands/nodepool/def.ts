import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_NODEPOOL as OUTPUT } from '../output-formats.js';


const auth = () => new Option('--auth <method>', 'Azure credential').choices(['default', 'cli', 'env', 'workload', 'managed-identity']);

export function register(program: Command, h: Harness): void {
  const np = program.command('nodepool').description('AKS GPU node pools through the Azure Resource Manager API');
  np.command('add')
    .description('create a GPU node pool (checks SKU and quota first; idempotent)')
    .argument('<name>', 'pool name (lower-case letters and digits, starts with a letter, <= 12)')
    .option('--instance-type <sku>', 'GPU VM size (required)')
    .option('--count <n>', 'node count', '1')
    .option('--labels <k=v,...>', 'node labels')
    .option('--taints <taints>', 'node taints', 'sku=gpu:NoSchedule')
    .addOption(new Option('--os-sku <sku>', 'node OS').choices(['Ubuntu', 'AzureLinux']))
    .addOption(new Option('--gpu-driver <mode>', 'GPU driver installation').choices(['install', 'none']))
    .option('--os-disk-size <gb>', 'OS disk size in GB')
    .option('--no-wait', 'return once ARM accepted the request')
    .option('--dry-run', 'print the ARM request body, change nothing')
    .addOption(auth())
    .addHelpText('after', outputHelp(OUTPUT.add))
    .hook('preAction', refuseOtherOutput(OUTPUT.add))
    .action(h.lazy(() => import('./add.js')));
  np.command('list')
    .description('list node pools, GPU pools first')
    .addOption(auth())
    .addHelpText('after', outputHelp(OUTPUT.list))
    .hook('preAction', refuseOtherOutput(OUTPUT.list))
    .action(h.lazy(() => import('./list.js')));
  np.command('show')
    .description('show one node pool')
    .argument('<name>')
    .addOption(auth())
    .addHelpText('after', outputHelp(OUTPUT.show))
    .hook('preAction', refuseOtherOutput(OUTPUT.show))
    .action(h.lazy(() => import('./show.js')));
  np.command('delete')
    .description('delete a node pool (refuses one a workspace still uses unless --force)')
    .argument('<name>')
    .option('--force', 'delete even if a workspace uses it')
    .option('--no-wait', 'return once ARM accepted the request')
    .addOption(auth())
    .addHelpText('after', outputHelp(OUTPUT.delete))
    .hook('preAction', refuseOtherOutput(OUTPUT.delete))
    .action(h.lazy(() => import('./delete.js')));
}
