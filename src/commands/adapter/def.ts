import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_ADAPTER as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  const ad = program.command('adapter').description('LoRA adapter images (what Kaito tuning pushes)');
  const registryFlags = (c: Command) =>
    c
      .option('--registry-username <user>', 'registry user (password from --registry-password-stdin); else the docker config, ACR Entra login, anonymous')
      .option('--registry-password-stdin', 'read the registry password from stdin')
      .option('--max-size <size>', 'refuse images that expand to more than this (bytes, or with K/M/G suffix)', '20G');
  registryFlags(
    ad.command('pull')
      .description('fetch an adapter image\'s adapter_config.json and adapter_model.safetensors into DIR (digests verified)')
      .argument('<image>', 'REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:...')
      .argument('<dir>', 'folder to write the two files into (created if missing)'),
  ).addHelpText('after', outputHelp(OUTPUT.pull))
    .hook('preAction', refuseOtherOutput(OUTPUT.pull))
    .action(h.lazy(() => import('./pull.js')));
  registryFlags(
    ad.command('inspect')
      .description('show an adapter image\'s base model, LoRA settings, size and digest')
      .argument('<image>', 'REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:...'),
  ).addHelpText('after', outputHelp(OUTPUT.inspect))
    .hook('preAction', refuseOtherOutput(OUTPUT.inspect))
    .action(h.lazy(() => import('./inspect.js')));
}
