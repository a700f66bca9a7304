// The human report of `kaito dataset validate` (stdout with -o text).
import type { DatasetReport, Distribution } from '../../core/dataset/types.js';

export function formatReport(r: DatasetReport): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`${k.padEnd(12)}${v}`);
  row('Source:', `${r.source} (${r.fileType}, ${bytes(r.stats.bytes)})`);
  row('Format:', r.format ?? 'not recognised');
  row('Records:', String(r.stats.records) + (r.truncated ? ' (stopped at the size cap)' : ''));
  if (r.stats.turns) row('Turns:', dist(r.stats.turns));
  if (r.stats.tokens) row('Tokens:', `${dist(r.stats.tokens)}  (estimated: ${r.tokenEstimator})`);
  if (r.preset) {
    const ctx = r.preset.contextLength ? `context ${r.preset.contextLength} tokens, ${r.stats.overContext} records longer` : 'context length unknown';
    row('Preset:', `${r.preset.name} (${ctx})`);
  }
  row('Duplicates:', String(r.stats.duplicates));
  const kinds = Object.entries(r.counts);
  if (kinds.length) {
    lines.push('', 'Problems by kind:');
    const width = Math.max(...kinds.map(([k]) => k.length));
    for (const [k, n] of kinds.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))) lines.push(`  ${k.padEnd(width)}  ${n}`);
    const listed = r.problems.length;
    const total = r.errors + r.warnings;
    lines.push('', listed < total ? `First problems (${listed} of ${total}):` : 'Problems:');
    for (const p of r.problems) {
      const where = p.line !== undefined ? `line ${p.line} (record ${p.record})` : `record ${p.record}`;
      lines.push(`  ${p.severity === 'error' ? 'ERROR' : 'WARN '} ${where}: ${p.message} [${p.kind}]`);
    }
  }
  lines.push('', `Verdict:   ${r.valid ? (r.warnings ? `OK with ${r.warnings} warning${r.warnings === 1 ? '' : 's'}` : 'OK') : `FAIL: ${r.errors} error${r.errors === 1 ? '' : 's'} would break or spoil training`}`);
  return lines.join('\n') + '\n';
}

function dist(d: Distribution): string {
  return `p50 ${d.p50}  p90 ${d.p90}  max ${d.max}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
