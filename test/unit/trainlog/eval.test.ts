// Eval loss from HF Trainer's evaluation dicts, the overfitting rule and the --eval-split config override.
import { describe, expect, it } from 'vitest';
import { parseTrainerLine } from '../../../src/core/trainlog/parse.js';
import { describeResult, detectOverfitting, formatProgress, overfittingWarning } from '../../../src/core/trainlog/progress.js';
import { progressFromLog } from '../../../src/core/trainlog/index.js';
import { applyOverrides, defaultTrainingConfig, evalSplitProblem } from '../../../src/core/training-config.js';

const train = (loss: number, epoch: number) => `{'loss': ${loss}, 'grad_norm': 0.5, 'learning_rate': 0.0002, 'epoch': ${epoch}}`;
const evl = (loss: number, epoch: number) => `{'eval_loss': ${loss}, 'eval_runtime': 3.51, 'eval_samples_per_second': 28.49, 'eval_steps_per_second': 7.12, 'epoch': ${epoch}}`;
const bar = (n: number, total: number) => `${String(Math.floor((n / total) * 100)).padStart(3)}%|██        | ${n}/${total} [00:10<00:40,  2.00it/s]`;

describe('eval loss', () => {
  it('parses the evaluation dict', () => {
    expect(parseTrainerLine(evl(0.8123, 1.5))).toEqual({ kind: 'metrics', evalLoss: 0.8123, epoch: 1.5 });
  });

  it('keeps train and eval loss apart; the eval loop bar (smaller total) is not a training step', () => {
    const p = progressFromLog([bar(10, 300), train(1.9, 0.1), bar(30, 300), bar(5, 5), evl(1.7, 0.3), bar(60, 300)].join('\n'));
    expect(p).toMatchObject({ step: 60, total: 300, loss: 1.9, evalLoss: 1.7 });
    expect(p.losses).toEqual([1.9]);
    expect(p.evals).toEqual([{ loss: 1.7, trainLoss: 1.9, epoch: 0.3 }]);
    expect(formatProgress(p)).toMatch(/loss 1\.9 · eval loss 1\.7/);
  });

  it('draws both sparklines and ends with the final train and eval loss', () => {
    const lines = [bar(1, 100)];
    for (let i = 1; i <= 5; i++) lines.push(train(2 - i * 0.2, i * 0.2), evl(2.1 - i * 0.15, i * 0.2));
    lines.push(bar(100, 100), "{'train_runtime': 100.0, 'train_samples_per_second': 3.0, 'train_steps_per_second': 1.0, 'train_loss': 1.4, 'epoch': 1.0}");
    const p = progressFromLog(lines.join('\n'));
    const line = formatProgress(p);
    expect(line).toMatch(/loss 1 [▁-█]{5} · eval loss 1\.35 [▁-█]{5}/);
    expect(line).toMatch(/done \(train loss 1\.4, eval loss 1\.35\)/);
    expect(describeResult(p)).toBe('final train loss 1.4, eval loss 1.35');
    expect(detectOverfitting(p)).toBeUndefined();
    expect(overfittingWarning(p)).toBeUndefined();
  });

  it('warns when eval loss rises while train loss falls', () => {
    const pts: Array<[number, number, number]> = [[1.5, 1.6, 1], [1.0, 1.1, 2], [0.8, 1.2, 3], [0.6, 1.4, 4]];
    const p = progressFromLog([bar(1, 100), ...pts.flatMap(([t, e, ep]) => [train(t, ep), evl(e, ep)])].join('\n'));
    expect(detectOverfitting(p)).toEqual({ bestLoss: 1.1, bestEpoch: 2, lastLoss: 1.4, trainFrom: 1.0, trainTo: 0.6 });
    expect(overfittingWarning(p)).toBe('overfitting: eval loss rose from 1.1 (epoch 2) to 1.4 while train loss fell from 1 to 0.6: train for about 2 epoch(s) (--epochs), or on more data');
  });

  it('does not call noise or a rise with rising train loss overfitting', () => {
    const noise = progressFromLog([train(1.0, 1), evl(1.0, 1), train(0.9, 2), evl(0.99, 2), train(0.8, 3), evl(1.01, 3)].join('\n'));
    expect(detectOverfitting(noise)).toBeUndefined();
    const both = progressFromLog([train(1.0, 1), evl(1.0, 1), train(1.1, 2), evl(1.2, 2), train(1.2, 3), evl(1.3, 3)].join('\n'));
    expect(detectOverfitting(both)).toBeUndefined();
    const two = progressFromLog([train(1.0, 1), evl(1.0, 1), train(0.5, 2), evl(2, 2)].join('\n'));
    expect(detectOverfitting(two)).toBeUndefined();
  });
});

describe('--eval-split', () => {
  it.each(['0.1', '0.25', '0.499', '1e-2'])('accepts %s', (v) => expect(evalSplitProblem(v)).toBeNull());
  it.each(['0', '0.5', '0.9', '1', '-0.1', 'abc', '', '10%'])('refuses %j', (v) => expect(evalSplitProblem(v)).toMatch(/greater than 0 and less than 0\.5/));

  it('sets the train share, an evaluation strategy every tenth of the run and the eval batch', () => {
    const cfg = applyOverrides(defaultTrainingConfig('qlora'), { evalSplit: 0.1, batchSize: 4 });
    expect(cfg.training_config.DatasetConfig).toMatchObject({ train_test_split: 0.9 });
    expect(cfg.training_config.TrainingArguments).toMatchObject({ eval_strategy: 'steps', eval_steps: 0.1, per_device_eval_batch_size: 4, per_device_train_batch_size: 4 });
    expect(defaultTrainingConfig('qlora').training_config.DatasetConfig.train_test_split).toBe(1);
  });
});
