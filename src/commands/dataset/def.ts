import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  const ds = program.command('dataset').description('tuning datasets');
  ds.command('validate')
    .description('check a tuning dataset (parquet, jsonl, json, csv) before it costs GPU hours')
    .argument('<file-or-url>', 'local file or http(s) URL')
    .addOption(new Option('--format <format>', 'record format').choices(['auto', 'messages', 'prompt-completion']).default('auto'))
    .option('--preset <name>', 'check record lengths against this preset\'s context length')
    .action(h.lazy(() => import('./validate.js')));
}
