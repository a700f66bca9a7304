import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { collect } from '../shared/flags.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_SANDBOX as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const sb = program.command('sandbox').description('a local emulation of AKS + Kubernetes + Kaito over HTTPS, for rehearsal');
  // issue 17 item 13: the cluster and Azure global flags do not apply to the sandbox's own commands: not listed
  sb.configureHelp({ ...sb.configureHelp(), showGlobalOptions: false });
  sb.command('start')
    .description('start the sandbox in the foreground (Ctrl-C stops it)')
    .option('--port <n>', 'port of the HTTPS server: stable by default, so saved URLs and exports keep working across restarts (0 picks a free port)', '7443')
    .option('--state-dir <dir>', 'where kubeconfig, env and certificates go (default ~/.kaito/sandbox)')
    .addOption(new Option('--kaito-version <v>', 'Kaito release to emulate').choices(['0.6', '0.10', '0.11', '0.12']).default('0.12'))
    .addOption(new Option('--node-provisioner <p>', 'the controller\'s node provisioner (karpenter: 0.11+; byo: 0.10+, on 0.10 the feature gate)').choices(['azure-gpu-provisioner', 'karpenter', 'byo']))
    .addOption(new Option('--node-provisioning <mode>', 'alias: nap = azure-gpu-provisioner, byo = byo').choices(['nap', 'byo']))
    .option('--speed <x>', 'emulated time runs this many times faster than real time', '60')
    .option('--fault <spec>', 'inject a fault (repeatable): watch-cut=S, api-5xx=P, arm-429=P, tuning-fail, image-pull, quota=FAMILY:N, pod-restart=S, slow=MS, reset=P, no-gfd (BYO without GPU Feature Discovery), prices-429=P, prices-garbage (Azure Retail Prices API)', collect)
    .action(h.lazy(() => import('./start.js')));
  sb.command('env')
    .description('print the export lines that point kaito and kubectl at the sandbox')
    .option('--state-dir <dir>', 'sandbox state directory (default ~/.kaito/sandbox)')
    .addHelpText('after', outputHelp(OUTPUT.env))
    .hook('preAction', refuseOtherOutput(OUTPUT.env))
    .action(h.lazy(() => import('./env.js')));
  sb.command('status')
    .description('is the sandbox running, where, with what')
    .option('--state-dir <dir>', 'sandbox state directory (default ~/.kaito/sandbox)')
    .addHelpText('after', outputHelp(OUTPUT.status))
    .hook('preAction', refuseOtherOutput(OUTPUT.status))
    .action(h.lazy(() => import('./status.js')));
}
