// kaito presets list [--tunable]: the catalog from presets/.
import type { CommandContext } from '../../cli/context.js';
import { loadPresets, type Preset } from '../../core/presets.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { OUTPUT_PRESETS as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { tunable?: boolean }): Promise<void> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.list, 'table');
  const rows = loadPresets().filter((p) => !opts.tunable || p.tunable);
  printResult<Preset>(ctx.io, format, {
    document: { presets: rows },
    rows,
    columns: [
      { header: 'name', value: (p) => p.name },
      { header: 'tunable', value: (p) => (p.tunable ? p.methods.join(',') : 'no') },
      { header: 'weights', value: (p) => `${p.weightsGiB} GiB` },
      { header: 'runtimes', value: (p) => p.runtimes.join(',') },
      { header: 'gated', value: (p) => (p.gated ? 'yes' : 'no') },
      { header: 'context', value: (p) => (p.contextLength ? contextLabel(p.contextLength) : '') },
      { header: 'hugging face id', value: (p) => p.huggingFaceId, wide: true },
      { header: 'recommended skus', value: (p) => p.recommendedSkus.join(','), wide: true },
    ],
    name: (p) => p.name,
    empty: 'no presets',
  });
}

export function contextLabel(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}k` : String(n);
}
