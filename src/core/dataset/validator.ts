// Folds records (and reader errors) into a DatasetReport, one record at a time, in bounded memory: the
// readers stream, this keeps counters, two fixed-size histograms, the fingerprint table and the first
// problems only.
import { checkRecord } from './checks.js';
import { FingerprintSet } from './fingerprint.js';
import { Histogram } from './histogram.js';
import { TOKEN_ESTIMATOR } from './tokens.js';
import { PROBLEM_KINDS, type DatasetReport, type FileType, type FormatOption, type Location, type Problem, type ProblemKind, type RecordFormat } from './types.js';

export interface ValidatorOptions {
  source: string;
  fileType: FileType;
  format?: FormatOption;
  preset?: { name: string; contextLength: number | null };
  /** how many errors the report lists, and half as many warnings (all are counted) */
  maxProblems?: number;
}

export class DatasetValidator {
  private readonly opts: ValidatorOptions;
  private readonly forced: RecordFormat | null;
  private format: RecordFormat | null;
  /** where the format was decided (auto mode), for the mixed-format message */
  private formatOrigin: Location | null = null;
  private readonly turns = new Histogram();
  private readonly tokens = new Histogram();
  private readonly seen = new FingerprintSet();
  // errors and warnings are kept apart so a flood of duplicates cannot hide the first real error
  private readonly firstErrors: Problem[] = [];
  private readonly firstWarnings: Problem[] = [];
  private readonly counts: Partial<Record<ProblemKind, number>> = {};
  private records = 0;
  private duplicates = 0;
  private overContext = 0;
  private errors = 0;
  private warnings = 0;
  bytes = 0;
  truncated = false;

  constructor(opts: ValidatorOptions) {
    this.opts = opts;
    this.forced = opts.format && opts.format !== 'auto' ? opts.format : null;
    this.format = this.forced;
  }

  get recordCount(): number {
    return this.records;
  }

  /** a problem found by a reader (bad line, bad UTF-8, ...); it counts as a record */
  addBroken(kind: ProblemKind, loc: Location, message: string): void {
    this.records++;
    this.problem(kind, loc, message);
  }

  /** a problem about the whole file (not a record) */
  addFileProblem(kind: ProblemKind, message: string): void {
    this.problem(kind, { record: this.records }, message);
  }

  add(value: unknown, loc: Location): void {
    this.records++;
    const r = checkRecord(value, this.format);
    if (r.format !== null && this.format === null) {
      this.format = r.format;
      this.formatOrigin = loc;
    } else if (r.format !== null && r.format !== this.format) {
      if (this.forced) this.problem('format-mismatch', loc, `record is in ${r.format} format, but --format ${this.forced} was asked for`);
      else this.problem('mixed-format', loc, `record is in ${r.format} format, but ${where(this.formatOrigin)} set the file's format to ${this.format}`);
      return;
    }
    for (const f of r.findings) this.problem(f.kind, loc, f.message);
    if (r.format === null) return;
    if (r.format === 'messages') this.turns.add(r.turns);
    this.tokens.add(r.tokens);
    const ctxLen = this.opts.preset?.contextLength;
    if (ctxLen && r.tokens > ctxLen) {
      this.overContext++;
      this.problem('too-long', loc, `about ${r.tokens} tokens, more than ${this.opts.preset!.name}'s context of ${ctxLen}: the trainer truncates it`);
    }
    if (r.fingerprint !== 0) {
      const first = this.seen.add(r.fingerprint, loc.record);
      if (first >= 0) {
        this.duplicates++;
        this.problem('duplicate', loc, `same content as record ${first}`);
      }
    }
  }

  finish(): DatasetReport {
    if (this.records === 0) this.problem('empty', { record: 0 }, 'the dataset has no records');
    const dist = (h: Histogram) => (h.count === 0 ? null : { p50: h.quantile(0.5), p90: h.quantile(0.9), max: h.max, total: h.total });
    return {
      source: this.opts.source,
      fileType: this.opts.fileType,
      format: this.format,
      valid: this.errors === 0,
      errors: this.errors,
      warnings: this.warnings,
      preset: this.opts.preset ?? null,
      tokenEstimator: TOKEN_ESTIMATOR,
      stats: {
        records: this.records,
        bytes: this.bytes,
        turns: this.format === 'messages' ? dist(this.turns) : null,
        tokens: dist(this.tokens),
        duplicates: this.duplicates,
        overContext: this.overContext,
      },
      counts: { ...this.counts },
      problems: [...this.firstErrors, ...this.firstWarnings].sort((a, b) => a.record - b.record),
      truncated: this.truncated,
    };
  }

  private problem(kind: ProblemKind, loc: Location, message: string): void {
    const severity = PROBLEM_KINDS[kind];
    if (severity === 'error') this.errors++;
    else this.warnings++;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const list = severity === 'error' ? this.firstErrors : this.firstWarnings;
    const max = this.opts.maxProblems ?? 20;
    if (list.length < (severity === 'error' ? max : Math.ceil(max / 2))) {
      const p: Problem = { kind, severity, record: loc.record, message };
      if (loc.line !== undefined) p.line = loc.line;
      list.push(p);
    }
  }
}

function where(loc: Location | null): string {
  if (!loc) return 'an earlier record';
  return loc.line !== undefined ? `line ${loc.line}` : `record ${loc.record}`;
}
