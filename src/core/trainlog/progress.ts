// The training progress model behind `kaito logs --progress` and `kaito wait`'s live line:
// fold parsed events into one state, and draw it (bar, ETA, loss sparkline). Pure.
import { formatDuration } from '../duration.js';
import type { TrainEvent } from './parse.js';

export interface TrainingProgress {
  step?: number;
  total?: number;
  epoch?: number;
  loss?: number;
  learningRate?: number;
  /** losses in order, at most MAX_LOSSES (the oldest dropped) */
  losses: number[];
  /** seconds, from tqdm's own estimate */
  etaS?: number;
  elapsedS?: number;
  done: boolean;
  finalLoss?: number;
  /** last non-training bar (e.g. "Map", "Loading checkpoint shards") */
  preparing?: string;
  /** the latest eval loss and every evaluation so far (with the train loss logged before it), when the run evaluates */
  evalLoss?: number;
  evals?: EvalPoint[];
  /** an evaluation bar is running: "13/40" */
  evaluating?: string;
}

export interface EvalPoint { loss: number; trainLoss?: number; epoch?: number }

const MAX_LOSSES = 200;

export function emptyProgress(): TrainingProgress {
  return { losses: [], done: false };
}

/** Returns a new state; `changed` tells whether anything a user sees moved. */
export function applyEvent(p: TrainingProgress, ev: TrainEvent): { state: TrainingProgress; changed: boolean } {
  const s: TrainingProgress = { ...p, losses: p.losses };
  switch (ev.kind) {
    case 'step':
      if (s.step === ev.step && s.total === ev.total) return { state: p, changed: false };
      // HF Trainer draws the evaluation loop as a second bar with its own (smaller) total while the training bar
      // stands still; the larger total is training (the eval set is the smaller split, --eval-split < 0.5)
      if (s.total !== undefined && s.step !== undefined && ev.total < s.total) {
        const label = `${ev.step}/${ev.total}`;
        if (s.evaluating === label) return { state: p, changed: false };
        s.evaluating = label;
        return { state: s, changed: true };
      }
      s.evaluating = undefined;
      s.step = ev.step;
      s.total = ev.total;
      if (ev.remainingS !== undefined) s.etaS = ev.remainingS;
      else if (ev.rate) s.etaS = (ev.total - ev.step) / ev.rate;
      if (ev.elapsedS !== undefined) s.elapsedS = ev.elapsedS;
      s.preparing = undefined;
      if (ev.step === ev.total) s.etaS = 0;
      return { state: s, changed: true };
    case 'metrics':
      if (ev.final) {
        s.done = true;
        s.finalLoss = ev.trainLoss;
        return { state: s, changed: true };
      }
      if (ev.evalLoss !== undefined && Number.isFinite(ev.evalLoss)) {
        s.evalLoss = ev.evalLoss;
        s.evals = [...(p.evals ?? []), { loss: ev.evalLoss, trainLoss: p.loss, epoch: ev.epoch }].slice(-MAX_LOSSES);
        s.evaluating = undefined;
        if (ev.epoch !== undefined) s.epoch = ev.epoch;
        return { state: s, changed: true };
      }
      if (ev.loss !== undefined && Number.isFinite(ev.loss)) {
        s.loss = ev.loss;
        s.losses = [...p.losses, ev.loss].slice(-MAX_LOSSES);
      }
      if (ev.epoch !== undefined) s.epoch = ev.epoch;
      if (ev.learningRate !== undefined) s.learningRate = ev.learningRate;
      return { state: s, changed: true };
    case 'other-progress': {
      const label = `${ev.label} ${ev.step}/${ev.total}`;
      if (s.preparing === label) return { state: p, changed: false };
      s.preparing = label;
      return { state: s, changed: true };
    }
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/** Unicode sparkline of the last `width` values, scaled between their min and max. */
export function sparkline(values: number[], width = 20): string {
  const v = values.filter((x) => Number.isFinite(x)).slice(-width);
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => (hi === lo ? BARS[3] : BARS[Math.round(((x - lo) / (hi - lo)) * (BARS.length - 1))])).join('');
}

export function progressBar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

function fmtNum(n: number): string {
  if (n === 0) return '0';
  if (Math.abs(n) < 0.001) return n.toExponential(1);
  return String(Number(n.toFixed(4)));
}

/** One line: `[██████░░░] 120/200 60% · epoch 1.20 · loss 0.812 ▇▆▅▄▃ · ETA 3m10s` */
export function formatProgress(p: TrainingProgress, opts: { bar?: boolean; barWidth?: number; sparkWidth?: number } = {}): string {
  const parts: string[] = [];
  if (p.step !== undefined && p.total !== undefined) {
    const pct = Math.floor((p.step / p.total) * 100);
    parts.push(`${opts.bar === false ? '' : `[${progressBar(p.step / p.total, opts.barWidth)}] `}step ${p.step}/${p.total} ${pct}%`);
  } else if (p.preparing) {
    parts.push(`preparing: ${p.preparing}`);
  } else {
    parts.push('waiting for the trainer');
  }
  if (p.epoch !== undefined) parts.push(`epoch ${p.epoch.toFixed(2)}`);
  if (p.loss !== undefined) {
    const spark = sparkline(p.losses, opts.sparkWidth ?? 20);
    parts.push(`loss ${fmtNum(p.loss)}${spark && p.losses.length > 1 ? ' ' + spark : ''}`);
  }
  if (p.evalLoss !== undefined) {
    const ev = (p.evals ?? []).map((e) => e.loss);
    const spark = sparkline(ev, opts.sparkWidth ?? 20);
    parts.push(`eval loss ${fmtNum(p.evalLoss)}${spark && ev.length > 1 ? ' ' + spark : ''}`);
  }
  if (p.evaluating && !p.done) parts.push(`evaluating ${p.evaluating}`);
  if (p.done) parts.push(`done${p.finalLoss !== undefined ? ` (train loss ${fmtNum(p.finalLoss)}${p.evalLoss !== undefined ? `, eval loss ${fmtNum(p.evalLoss)}` : ''})` : ''}`);
  else if (p.etaS !== undefined && p.step !== undefined && p.step < (p.total ?? 0)) parts.push(`ETA ${formatDuration(p.etaS * 1000)}`);
  return parts.join(' · ');
}

/** Short phrase for a status line: "training step 120/200, loss 0.812". */
export function describeTraining(p: TrainingProgress): string {
  if (p.step === undefined || p.total === undefined) return p.preparing ? `training (preparing: ${p.preparing})` : 'training';
  return `training step ${p.step}/${p.total}${p.loss !== undefined ? `, loss ${fmtNum(p.loss)}` : ''}${p.evalLoss !== undefined ? `, eval loss ${fmtNum(p.evalLoss)}` : ''}`;
}

/** How much the eval loss must rise above its best before it counts as overfitting (noise is smaller). */
const OVERFIT_RISE = 0.03;

export interface Overfitting { bestLoss: number; bestEpoch?: number; lastLoss: number; trainFrom: number; trainTo: number }

/**
 * Overfitting: the eval loss rose (by more than 3 %) after its best point while the train loss kept falling.
 * Needs at least three evaluations and the train loss logged before each.
 */
export function detectOverfitting(p: TrainingProgress): Overfitting | undefined {
  const ev = p.evals ?? [];
  if (ev.length < 3) return undefined;
  let best = 0;
  for (let i = 1; i < ev.length; i++) if (ev[i].loss < ev[best].loss) best = i;
  const last = ev[ev.length - 1];
  const b = ev[best];
  if (best === ev.length - 1 || !(last.loss > b.loss * (1 + OVERFIT_RISE))) return undefined;
  if (b.trainLoss === undefined || last.trainLoss === undefined || !(last.trainLoss < b.trainLoss)) return undefined;
  return { bestLoss: b.loss, bestEpoch: b.epoch, lastLoss: last.loss, trainFrom: b.trainLoss, trainTo: last.trainLoss };
}

/** "final train loss 0.61, eval loss 0.72" (train loss: the trainer's summary, else the last logged loss). */
export function describeResult(p: TrainingProgress): string | undefined {
  const train = p.finalLoss ?? p.loss;
  if (train === undefined && p.evalLoss === undefined) return undefined;
  const parts: string[] = [];
  if (train !== undefined) parts.push(`train loss ${fmtNum(train)}`);
  if (p.evalLoss !== undefined) parts.push(`eval loss ${fmtNum(p.evalLoss)}`);
  return `final ${parts.join(', ')}`;
}

/** The one-line overfitting warning with its fix, or undefined. */
export function overfittingWarning(p: TrainingProgress): string | undefined {
  const o = detectOverfitting(p);
  if (!o) return undefined;
  const at = o.bestEpoch !== undefined ? ` (epoch ${o.bestEpoch})` : '';
  const fix = o.bestEpoch !== undefined && o.bestEpoch > 0 ? `train for about ${Math.max(1, Math.round(o.bestEpoch))} epoch(s) (--epochs), or on more data` : 'train for fewer epochs (--epochs) or on more data';
  return `overfitting: eval loss rose from ${fmtNum(o.bestLoss)}${at} to ${fmtNum(o.lastLoss)} while train loss fell from ${fmtNum(o.trainFrom)} to ${fmtNum(o.trainTo)}: ${fix}`;
}
