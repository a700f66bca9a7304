// `kaito adapter inspect IMAGE`: base model (sh.kaito.model.name), LoRA settings from adapter_config.json, size and
// digest. Layers are streamed and verified, nothing is written. -o json|yaml prints AdapterInfo:
//   { image, digest, reference, platform, baseModel, peftType, baseModelNameOrPath,
//     lora: {r, alpha, dropout, targetModules}, size: {compressed, files: {name: bytes}}, layers: [{digest, size, mediaType}] }
import type { CommandContext } from '../../cli/context.js';
import { readAdapter, type AdapterInfo } from '../../registry/adapter.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { parseImageArg, registryClient, type RegistryFlags } from '../shared/registry.js';
import { parseSize } from './common.js';
import { OUTPUT_ADAPTER as OUTPUT } from '../output-formats.js';

interface Opts extends RegistryFlags {
  maxSize?: string;
}

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const output = parseOutputFormat(ctx.globals.output, OUTPUT.inspect, 'text');
  const ref = parseImageArg(String(args[0]));
  const max = parseSize(opts.maxSize);
  const client = await registryClient(ctx, ref, opts);
  try {
    const { info } = await readAdapter(client, { maxExpanded: max });
    printResult(ctx.io, output, { document: info, text: () => formatInfo(info) });
    return 0;
  } finally {
    await client.close();
  }
}

function human(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export function formatInfo(i: AdapterInfo): string {
  const rows: Array<[string, string]> = [
    ['Image:', i.image],
    ['Digest:', i.digest],
    ['Base model:', i.baseModel ?? `(no ${'sh.kaito.model.name'} annotation)${i.baseModelNameOrPath ? `; adapter_config says ${i.baseModelNameOrPath}` : ''}`],
    ['PEFT type:', i.peftType ?? '-'],
    ['LoRA r:', i.lora.r === null ? '-' : String(i.lora.r)],
    ['LoRA alpha:', i.lora.alpha === null ? '-' : String(i.lora.alpha)],
    ['Dropout:', i.lora.dropout === null ? '-' : String(i.lora.dropout)],
    ['Targets:', Array.isArray(i.lora.targetModules) ? i.lora.targetModules.join(', ') : i.lora.targetModules ?? '-'],
    ['Size:', `${human(i.size.compressed)} compressed; ${Object.entries(i.size.files).map(([n, b]) => `${n} ${human(b)}`).join(', ')}`],
  ];
  if (i.platform) rows.splice(2, 0, ['Platform:', i.platform]);
  return rows.map(([k, v]) => `${k.padEnd(12)}${v}`).join('\n') + '\n';
}
