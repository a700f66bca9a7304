// The vocabulary of dataset validation: record formats, problem kinds and the report every reader and
// the CLI share. Pure types: no I/O here.

/** The two record shapes Kaito's trainer understands (KAITO.md §7). */
export type RecordFormat = 'messages' | 'prompt-completion';
export type FormatOption = 'auto' | RecordFormat;
export type FileType = 'jsonl' | 'json' | 'csv' | 'parquet';

export type Severity = 'error' | 'warning';

/** Every problem kind, with whether it stops training (error) or only deserves attention (warning). */
export const PROBLEM_KINDS = {
  // the file itself
  'empty': 'error',
  'invalid-json': 'error',
  'invalid-utf8': 'error',
  'record-too-large': 'error',
  'invalid-csv': 'error',
  // record shape
  'not-an-object': 'error',
  'unknown-format': 'error',
  'mixed-format': 'error',
  'format-mismatch': 'error',
  // messages
  'messages-type': 'error',
  'message-type': 'error',
  'bad-role': 'error',
  'content-type': 'error',
  'empty-content': 'error',
  'no-user': 'error',
  'no-assistant': 'error',
  'last-not-assistant': 'error',
  'system-not-first': 'error',
  'not-alternating': 'warning',
  // prompt / completion
  'prompt-type': 'error',
  'empty-prompt': 'error',
  'completion-type': 'error',
  'empty-completion': 'error',
  // whole-dataset
  'duplicate': 'warning',
  'too-long': 'warning',
  'size-cap': 'warning',
} as const satisfies Record<string, Severity>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** Where a problem sits: record is the 0-based record index (dataset[i]); line is 1-based, text files only. */
export interface Location {
  record: number;
  line?: number;
}

export interface Problem extends Location {
  kind: ProblemKind;
  severity: Severity;
  message: string;
}

export interface Distribution {
  p50: number;
  p90: number;
  max: number;
  total: number;
}

export interface DatasetStats {
  records: number;
  /** bytes read from the file (or URL) */
  bytes: number;
  /** messages per record; only for the messages format */
  turns: Distribution | null;
  /** estimated tokens per record (see core/dataset/tokens.ts) */
  tokens: Distribution | null;
  duplicates: number;
  /** records whose estimate exceeds the preset's context length */
  overContext: number;
}

export interface DatasetReport {
  source: string;
  fileType: FileType;
  /** the record format found (or forced with --format); null when no record was recognised */
  format: RecordFormat | null;
  /** true when nothing stops training: no error-severity problem */
  valid: boolean;
  errors: number;
  warnings: number;
  preset: { name: string; contextLength: number | null } | null;
  tokenEstimator: string;
  stats: DatasetStats;
  /** problem kind -> how many times it occurred */
  counts: Partial<Record<ProblemKind, number>>;
  /** the first problems in file order (at most maxProblems) */
  problems: Problem[];
  /** true when reading stopped at the size cap: the verdict covers only what was read */
  truncated: boolean;
}
