import { describe, expect, it } from 'vitest';
import { LineSplitter, parseTrainerLine, stripAnsi } from '../../../src/core/trainlog/parse.js';
import { applyEvent, emptyProgress, formatProgress, sparkline } from '../../../src/core/trainlog/progress.js';
import { progressFromLog } from '../../../src/core/trainlog/index.js';

describe('parseTrainerLine', () => {
  it('reads an HF Trainer metrics dict', () => {
    expect(parseTrainerLine("{'loss': 1.2345, 'grad_norm': 0.53, 'learning_rate': 0.0002, 'epoch': 0.5}")).toEqual({
      kind: 'metrics', loss: 1.2345, gradNorm: 0.53, learningRate: 0.0002, epoch: 0.5,
    });
  });

  it('reads scientific notation, nan and the final summary', () => {
    expect(parseTrainerLine("{'loss': 2.1e-01, 'learning_rate': 1.9e-05, 'epoch': 2.0}")).toMatchObject({ loss: 0.21, learningRate: 1.9e-5, epoch: 2 });
    const nan = parseTrainerLine("{'loss': nan, 'epoch': 1.0}");
    expect(nan).toMatchObject({ kind: 'metrics', epoch: 1 });
    expect(Number.isNaN((nan as { loss: number }).loss)).toBe(true);
    expect(parseTrainerLine("{'train_runtime': 201.3, 'train_samples_per_second': 3.9, 'train_loss': 0.8123, 'epoch': 3.0}")).toMatchObject({ final: true, trainLoss: 0.8123 });
  });

  it('reads a tqdm training bar with elapsed, remaining and rate', () => {
    expect(parseTrainerLine('  5%|▌         | 10/200 [00:10<03:10,  1.00it/s]')).toEqual({ kind: 'step', step: 10, total: 200, elapsedS: 10, remainingS: 190, rate: 1 });
    expect(parseTrainerLine(' 50%|█████     | 500/1000 [1:02:03<1:02:03,  2.00s/it]')).toEqual({ kind: 'step', step: 500, total: 1000, elapsedS: 3723, remainingS: 3723, rate: 0.5 });
    expect(parseTrainerLine('  0%|          | 0/200 [00:00<?, ?it/s]')).toEqual({ kind: 'step', step: 0, total: 200, elapsedS: 0 });
    expect(parseTrainerLine('100%|██████████| 200/200')).toEqual({ kind: 'step', step: 200, total: 200 });
  });

  it('tells data preparation bars from training steps', () => {
    expect(parseTrainerLine('Map: 100%|██████████| 1000/1000 [00:00<00:00, 5123.45 examples/s]')).toEqual({ kind: 'other-progress', label: 'Map', step: 1000, total: 1000 });
    expect(parseTrainerLine('Loading checkpoint shards:  50%|█████     | 1/2 [00:03<00:03,  3.10s/it]')).toMatchObject({ kind: 'other-progress', label: 'Loading checkpoint shards' });
  });

  it('strips ANSI colour and cursor codes', () => {
    expect(stripAnsi('\u001b[A\u001b[2K\u001b[32mok\u001b[0m')).toBe('ok');
    expect(parseTrainerLine('\u001b[A\u001b[2K 12%|█▏        | 24/200 [00:24<02:56,  1.00it/s]\u001b[0m')).toMatchObject({ step: 24, total: 200 });
  });

  it('takes the last bar when redraws are glued on one line', () => {
    expect(parseTrainerLine(' 5%|▌ | 10/200 [00:10<03:10, 1.00it/s] 6%|▌ | 12/200 [00:12<03:08, 1.00it/s]')).toMatchObject({ step: 12 });
  });

  it('ignores lines that say nothing about training', () => {
    for (const l of ['', 'Downloading shards', 'Traceback (most recent call last):', '{"level":"info"}', '50% done', '{not a dict']) expect(parseTrainerLine(l)).toBeUndefined();
    expect(parseTrainerLine('  5%|▌   | 300/200')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('splits on \\n and \\r and keeps partial lines until completed', () => {
    const s = new LineSplitter();
    expect(s.push('  1%|   | 2/200 [00:02<03:18, 1.00it/s]\r  2%|   | 4/2')).toEqual(['  1%|   | 2/200 [00:02<03:18, 1.00it/s]']);
    expect(s.push('00 [00:04<03:16, 1.00it/s]\r\n{\'loss\': 1.5')).toEqual(['  2%|   | 4/200 [00:04<03:16, 1.00it/s]']);
    expect(s.push(", 'epoch': 0.1}\n")).toEqual(["{'loss': 1.5, 'epoch': 0.1}"]);
    expect(s.push('tail')).toEqual([]);
    expect(s.flush()).toEqual(['tail']);
    expect(s.flush()).toEqual([]);
  });
});

describe('progress model', () => {
  const log = [
    'Loading checkpoint shards: 100%|██████████| 2/2 [00:03<00:00,  1.60s/it]',
    'Map: 100%|██████████| 1000/1000 [00:00<00:00, 5000.00 examples/s]',
    '  0%|          | 0/100 [00:00<?, ?it/s]\r 10%|█         | 10/100 [00:10<01:30,  1.00it/s]',
    "{'loss': 2.0, 'learning_rate': 0.0002, 'epoch': 0.1}",
    '\r 20%|██        | 20/100 [00:20<01:20,  1.00it/s]',
    "{'loss': 1.5, 'learning_rate': 0.00018, 'epoch': 0.2}",
    "\r 50%|█████     | 50/100 [00:50<00:50,  1.00it/s]\n{'loss': 1.0, 'learning_rate': 0.0001, 'epoch': 0.5}\n",
  ].join('\n');

  it('folds a real-looking log into step, epoch, loss history and ETA', () => {
    const p = progressFromLog(log);
    expect(p).toMatchObject({ step: 50, total: 100, epoch: 0.5, loss: 1, etaS: 50, done: false });
    expect(p.losses).toEqual([2, 1.5, 1]);
    const line = formatProgress(p);
    expect(line).toContain('step 50/100 50%');
    expect(line).toContain('epoch 0.50');
    expect(line).toContain('loss 1 ');
    expect(line).toContain('ETA 50s');
    expect(line).toContain(sparkline([2, 1.5, 1]));
  });

  it('reports the final summary as done', () => {
    const p = progressFromLog(log + "\r100%|██████████| 100/100 [01:40<00:00,  1.00it/s]\n{'train_runtime': 100.0, 'train_loss': 1.2, 'epoch': 1.0}\n");
    expect(p.done).toBe(true);
    expect(formatProgress(p)).toMatch(/step 100\/100 100% .*done \(train loss 1.2\)/);
  });

  it('a repeated step is not a change (no redraw)', () => {
    const a = applyEvent(emptyProgress(), { kind: 'step', step: 3, total: 10 }).state;
    expect(applyEvent(a, { kind: 'step', step: 3, total: 10 }).changed).toBe(false);
    expect(applyEvent(a, { kind: 'step', step: 4, total: 10 }).changed).toBe(true);
  });

  it('sparkline scales between min and max', () => {
    expect(sparkline([4, 3, 2, 1])).toBe('█▆▃▁');
    expect(sparkline([1, 1])).toBe('▄▄');
    expect(sparkline([])).toBe('');
    expect(sparkline([5, 4, 3, 2, 1], 3)).toHaveLength(3);
  });
});
