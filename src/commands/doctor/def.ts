import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import type { OutputFormat } from '../../ui/output-format.js';

/** The -o formats of each command here (help lists them; any other is refused before the command loads). */
export const OUTPUT = {
  doctor: ['table', 'json', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

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
