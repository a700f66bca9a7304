// Training-log parsing and the progress model (pure).
export { LineSplitter, parseTrainerLine, stripAnsi, type TrainEvent, type StepEvent, type MetricsEvent } from './parse.js';
export { applyEvent, describeResult, describeTraining, detectOverfitting, overfittingWarning, emptyProgress, formatProgress, progressBar, sparkline, type TrainingProgress, type EvalPoint, type Overfitting } from './progress.js';

import { LineSplitter, parseTrainerLine } from './parse.js';
import { applyEvent, emptyProgress, type TrainingProgress } from './progress.js';

/** Folds a whole log text (as returned by pods/log) into one progress state. */
export function progressFromLog(text: string, start: TrainingProgress = emptyProgress()): TrainingProgress {
  const sp = new LineSplitter();
  let p = start;
  for (const line of [...sp.push(text), ...sp.flush()]) {
    const ev = parseTrainerLine(line);
    if (ev) p = applyEvent(p, ev).state;
  }
  return p;
}
