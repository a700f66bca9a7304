import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_DATASET as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const ds = program.command('dataset').description('tuning datasets');
  ds.command('validate')
    .description('check a tuning dataset (parquet, jsonl, json, csv) before it costs GPU hours')
    .argument('<file-or-url>', 'local file or http(s) URL')
    .addOption(new Option('--format <format>', 'record format').choices(['auto', 'messages', 'prompt-completion']).default('auto'))
    .option('--preset <name>', 'check record lengths against this preset\'s context length')
    .addHelpText('after', outputHelp(OUTPUT.validate))
    .hook('preAction', refuseOtherOutput(OUTPUT.validate))
    .action(h.lazy(() => import('./validate.js')));
  ds.command('push')
    .description('validate local dataset files and push them as a Kaito data image (/data/<file>, one layer); prints the digest reference')
    .argument('<file-and-image...>', 'FILE... IMAGE: one or more local dataset files, then the image to push to (REGISTRY/REPO:TAG)')
    .addOption(new Option('--format <format>', 'record format to validate').choices(['auto', 'messages', 'prompt-completion']).default('auto'))
    .option('--registry-username <user>', 'registry user (password from --registry-password-stdin); else the docker config, ACR Entra login, anonymous')
    .option('--registry-password-stdin', 'read the registry password from stdin')
    .addHelpText('after', outputHelp(OUTPUT.push))
    .hook('preAction', refuseOtherOutput(OUTPUT.push))
    .action(h.lazy(() => import('./push.js')));
}
