import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_DOCTOR as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('doctor')
    .description('preflight: kube access, Kaito CRDs and controller, node provisioning mode, Azure access, GPU quota')
    .option('--instance-type <sku>', 'SKU whose quota to check (default: kaito.yaml)')
    .option('--images', 'test-pull the tuning image and the helper images Kaito\'s tuning uses, one short pod each in the namespace')
    .option('--image-timeout <dur>', 'how long --images waits for each pull (default 5m)')
    .addOption(new Option('--auth <method>', 'Azure credential').choices(['default', 'cli', 'env', 'workload', 'managed-identity']))
    .addHelpText('after', outputHelp(OUTPUT.doctor))
    .hook('preAction', refuseOtherOutput(OUTPUT.doctor))
    .action(h.lazy(() => import('./doctor.js')));
}
