// Pure parser for what Kaito's tuning container prints: Hugging Face Trainer metric dicts
// (`{'loss': 1.23, 'learning_rate': 0.0002, 'epoch': 0.5}`) and tqdm progress bars
// (`  5%|▌   | 10/200 [00:10<03:10,  1.00it/s]`, redrawn with \r, often wrapped in ANSI codes).
// No I/O and no clock: callers feed text, get events.

export interface StepEvent {
  kind: 'step';
  step: number;
  total: number;
  /** seconds elapsed and remaining as tqdm printed them */
  elapsedS?: number;
  remainingS?: number;
  /** steps per second */
  rate?: number;
}

export interface MetricsEvent {
  kind: 'metrics';
  loss?: number;
  learningRate?: number;
  epoch?: number;
  gradNorm?: number;
  /** HF Trainer's evaluation dict (`{'eval_loss': ..., 'eval_runtime': ..., 'epoch': ...}`) */
  evalLoss?: number;
  /** the final summary dict (`train_runtime`, `train_loss`) */
  final?: boolean;
  trainLoss?: number;
}

/** A tqdm bar with a description (dataset `Map:`, `Loading checkpoint shards:`): not a training step. */
export interface OtherProgressEvent {
  kind: 'other-progress';
  label: string;
  step: number;
  total: number;
}

export type TrainEvent = StepEvent | MetricsEvent | OtherProgressEvent;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/**
 * Splits a byte stream into lines the way a terminal shows them: both \n and \r end a segment
 * (tqdm redraws with \r). Keeps the unfinished tail until more text arrives.
 */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split(/\r\n|\r|\n/);
    this.rest = parts.pop() ?? '';
    return parts.filter((p) => p.length > 0);
  }

  /** The unfinished tail, at end of stream. */
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r.length > 0 ? [r] : [];
  }
}

const TQDM = /(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+)(?:\s*\[([^\]<]*)<([^,\]]*)(?:,\s*([^\]]*))?\])?/g;
const METRIC = /['"]([A-Za-z_]+)['"]\s*:\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|-?inf)/g;

/** One event per line, or undefined when the line carries nothing about training. */
export function parseTrainerLine(raw: string): TrainEvent | undefined {
  const line = stripAnsi(raw).trim();
  if (line === '') return undefined;
  if (line.startsWith('{') && line.includes(':')) return parseMetrics(line);
  // the last bar on a line wins when several redraws were glued together without \r
  const bars = [...line.matchAll(TQDM)];
  if (bars.length === 0) return undefined;
  const m = bars[bars.length - 1];
  const step = Number(m[2]);
  const total = Number(m[3]);
  if (!(total > 0) || step > total) return undefined;
  const label = line.slice(0, bars[0].index).trim().replace(/:$/, '').trim();
  const rateText = m[6]?.trim();
  // a description, or a unit other than it/s (e.g. "examples/s"), means data preparation, not training
  if (label !== '' || (rateText && !/it\/s|s\/it|^\?/.test(rateText))) {
    return { kind: 'other-progress', label: label || 'progress', step, total };
  }
  const ev: StepEvent = { kind: 'step', step, total };
  const el = m[4] !== undefined ? parseClock(m[4]) : undefined;
  const rem = m[5] !== undefined ? parseClock(m[5]) : undefined;
  if (el !== undefined) ev.elapsedS = el;
  if (rem !== undefined) ev.remainingS = rem;
  const rate = rateText ? parseRate(rateText) : undefined;
  if (rate !== undefined) ev.rate = rate;
  return ev;
}

function parseMetrics(line: string): MetricsEvent | undefined {
  const vals: Record<string, number> = {};
  for (const m of line.matchAll(METRIC)) {
    const v = m[2] === 'nan' ? NaN : m[2] === 'inf' ? Infinity : m[2] === '-inf' ? -Infinity : Number(m[2]);
    vals[m[1]] = v;
  }
  const ev: MetricsEvent = { kind: 'metrics' };
  if ('loss' in vals) ev.loss = vals.loss;
  if ('learning_rate' in vals) ev.learningRate = vals.learning_rate;
  if ('epoch' in vals) ev.epoch = vals.epoch;
  if ('grad_norm' in vals) ev.gradNorm = vals.grad_norm;
  if ('eval_loss' in vals) ev.evalLoss = vals.eval_loss;
  if ('train_runtime' in vals || 'train_loss' in vals) {
    ev.final = true;
    if ('train_loss' in vals) ev.trainLoss = vals.train_loss;
  }
  if (ev.loss === undefined && ev.evalLoss === undefined && ev.epoch === undefined && ev.learningRate === undefined && !ev.final) return undefined;
  return ev;
}

/** "03:10" / "1:02:03" / "?" -> seconds */
function parseClock(s: string): number | undefined {
  const t = s.trim();
  if (!/^\d+(?::\d+){0,2}$/.test(t)) return undefined;
  return t.split(':').reduce((acc, p) => acc * 60 + Number(p), 0);
}

/** "1.00it/s" -> 1, "2.50s/it" -> 0.4 */
function parseRate(s: string): number | undefined {
  const m = /^([\d.]+)\s*(it\/s|s\/it)/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!(n > 0)) return undefined;
  return m[2] === 'it/s' ? n : 1 / n;
}
