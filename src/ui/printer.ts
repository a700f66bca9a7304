// The one printer path behind every command's -o flag.
import { yamlLib } from '../core/yaml-lib.js';
import { UsageError } from '../errors.js';
import type { IOStreams } from './iostreams.js';

import { unknownOutputFormat, type OutputFormat } from './output-format.js';

export type { OutputFormat } from './output-format.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
  /** only shown with -o wide */
  wide?: boolean;
}

export interface PrintSpec<T> {
  /** What -o json / yaml print: one document. */
  document: unknown;
  /** Rows for -o table / wide. */
  rows?: T[];
  columns?: Column<T>[];
  /** What -o name prints per row, e.g. workspace.kaito.sh/NAME. */
  name?: (row: T) => string;
  /** Free text for -o text (or table when there are no columns). */
  text?: () => string;
  /** Shown on stderr when a table has no rows. */
  empty?: string;
}

/** `allowed`: the formats the command declares in its def.ts (src/cli/output.ts declareOutput). */
export function parseOutputFormat(value: string | undefined, allowed: readonly OutputFormat[], fallback: OutputFormat): OutputFormat {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as OutputFormat;
  throw unknownOutputFormat(value, allowed);
}

export function toJSON(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

export function toYAML(doc: unknown): string {
  // the command harness preloads the library for -o yaml
  return yamlLib().stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function printResult<T>(io: IOStreams, format: OutputFormat, spec: PrintSpec<T>): void {
  switch (format) {
    case 'json':
      io.print(toJSON(spec.document));
      return;
    case 'yaml':
      io.print(toYAML(spec.document));
      return;
    case 'name':
      if (!spec.name || !spec.rows) throw new UsageError('-o name is not supported here', 'use -o json or -o yaml');
      for (const r of spec.rows) io.print(spec.name(r) + '\n');
      return;
    case 'text':
      if (spec.text) {
        io.print(spec.text());
        return;
      }
      printTable(io, 'table', spec);
      return;
    case 'table':
    case 'wide':
    default:
      printTable(io, format, spec);
  }
}

function printTable<T>(io: IOStreams, format: OutputFormat, spec: PrintSpec<T>): void {
  if (spec.columns && spec.rows) {
    if (spec.rows.length === 0) {
      if (spec.empty) io.info(spec.empty);
      return;
    }
    const cols = spec.columns.filter((c) => format === 'wide' || !c.wide);
    io.print(formatTable(cols.map((c) => c.header), spec.rows.map((r) => cols.map((c) => cell(c.value(r))))));
    return;
  }
  if (spec.text) io.print(spec.text());
  else io.print(toYAML(spec.document));
}

function cell(v: string | number | undefined | null): string {
  if (v === undefined || v === null || v === '') return '<none>';
  return String(v);
}

/** kubectl-style columns: upper-case headers, three spaces between columns, no trailing blanks. */
export function formatTable(headers: string[], rows: string[][]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => displayWidth(r[i] ?? ''))));
  return (
    all
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - displayWidth(c) + 3)))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function displayWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
