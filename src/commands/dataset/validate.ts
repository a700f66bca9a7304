// `kaito dataset validate FILE|URL`: the report goes to stdout (text, or one JSON/YAML document), the
// verdict to stderr; exit 2 when the data cannot train, 0 otherwise (warnings included).
import type { CommandContext } from '../../cli/context.js';
import type { DatasetReport, FormatOption } from '../../core/dataset/types.js';
import { ExitCode } from '../../errors.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { formatReport } from './report.js';
import { OUTPUT_DATASET as OUTPUT } from '../output-formats.js';

interface Opts {
  format?: FormatOption;
  preset?: string;
}

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const source = String(args[0]);
  const output = parseOutputFormat(ctx.globals.output, OUTPUT.validate, 'text');
  const { validateDataset } = await import('../../dataset/index.js');
  const progress = ctx.io.canAnimate ? progressLine(ctx) : undefined;
  let report: DatasetReport;
  try {
    report = await validateDataset(source, { format: opts.format ?? 'auto', preset: opts.preset, signal: ctx.signal, env: ctx.io.env, onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  printResult(ctx.io, output, { document: report, text: () => formatReport(report) });
  const { errors, warnings } = report;
  const w = warnings === 1 ? '1 warning' : `${warnings} warnings`;
  if (!report.valid) {
    ctx.io.info(`${ctx.io.color.red('✗')} ${report.source} cannot be used for tuning: ${errors === 1 ? '1 error' : `${errors} errors`}, ${w}`);
    return ExitCode.USAGE;
  }
  ctx.io.info(`${ctx.io.color.green('✓')} ${report.source} looks trainable: ${report.stats.records} ${report.format ?? ''} records${warnings ? `, ${w}` : ''}`);
  return ExitCode.OK;
}

/** One self-overwriting line on a TTY's stderr, at most ten updates a second. */
function progressLine(ctx: CommandContext) {
  let last = 0;
  let drawn = false;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return {
    update(bytes: number, total: number | undefined) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      drawn = true;
      const pct = total ? ` (${Math.min(100, Math.floor((bytes / total) * 100))}%)` : '';
      ctx.io.err.write(`\r\u001b[2Kreading ${mb(bytes)}${total ? ` / ${mb(total)}` : ''} MiB${pct}`);
    },
    clear() {
      if (drawn) ctx.io.err.write('\r\u001b[2K');
    },
  };
}
