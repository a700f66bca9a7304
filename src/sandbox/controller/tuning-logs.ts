// Log text of an emulated tuning run, in the shapes real tools print: huggingface-cli downloads, curl in
// the data-downloader, the HF Trainer (tqdm bars and `{'loss': ...}` dicts), oras in the pusher.
// Numbers are deterministic per workspace so two runs of the same spec read the same.
import { createHash } from 'node:crypto';

export function seeded(seed: string): () => number {
  let h = createHash('sha256').update(seed).digest();
  let i = 0;
  return () => {
    if (i + 4 > h.length) {
      h = createHash('sha256').update(h).digest();
      i = 0;
    }
    const n = h.readUInt32BE(i);
    i += 4;
    return n / 0x1_0000_0000;
  };
}

/** "mm:ss" or "h:mm:ss" like tqdm */
export function clock(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export function tqdmLine(n: number, total: number, elapsedSec: number, label = ''): string {
  const frac = total ? n / total : 1;
  const width = 10;
  const full = Math.floor(frac * width);
  const part = Math.floor((frac * width - full) * 8);
  const bar = ('█'.repeat(full) + (full < width ? BLOCKS[part] : '')).padEnd(width, ' ');
  const rate = elapsedSec > 0 ? n / elapsedSec : 0;
  const remaining = rate > 0 ? (total - n) / rate : 0;
  const rateText = rate >= 1 || rate === 0 ? `${rate.toFixed(2)}it/s` : `${(1 / rate).toFixed(2)}s/it`;
  return `${label}${String(Math.floor(frac * 100)).padStart(3, ' ')}%|${bar}| ${n}/${total} [${clock(elapsedSec)}<${clock(remaining)}, ${rateText}]`;
}

export function pyFloat(x: number, digits = 4): string {
  const s = Number(x.toFixed(digits)).toString();
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

export function lossAt(progress: number, rnd: () => number): number {
  return 0.55 + 1.65 * Math.exp(-3.2 * progress) + (rnd() - 0.5) * 0.12;
}

/**
 * The held-out loss at a point of the run: a little above the train curve, and rising once the run has seen the
 * data more than twice (the adapter memorises it), so a long run visibly overfits while a short one does not.
 */
export function evalLossAt(progress: number, epochs: number, rnd: () => number): number {
  const seen = progress * epochs;
  return 0.62 + 1.6 * Math.exp(-3.2 * progress) + 0.12 * Math.max(0, seen - 2) ** 1.5 + (rnd() - 0.5) * 0.02;
}

/** compat T5: what HF Trainer prints for one evaluation: its logger's header, the eval loop's tqdm bar and the metrics dict. */
export function evalLines(evalRecords: number, evalBatch: number, secPerStep: number, loss: number, epoch: number): string[] {
  const steps = Math.max(1, Math.ceil(evalRecords / evalBatch));
  const runtime = Math.max(0.05, steps * secPerStep * 0.35);
  return [
    '***** Running Evaluation *****',
    `  Num examples = ${evalRecords.toLocaleString('en-US')}`,
    `  Batch size = ${evalBatch}`,
    tqdmLine(steps, steps, runtime),
    `{'eval_loss': ${pyFloat(loss)}, 'eval_runtime': ${pyFloat(runtime)}, 'eval_samples_per_second': ${pyFloat(evalRecords / runtime, 3)}, 'eval_steps_per_second': ${pyFloat(steps / runtime, 3)}, 'epoch': ${pyFloat(epoch, 2)}}`,
  ];
}

export function weightsDownloadLines(hfId: string, weightsGiB: number): string[] {
  const shards = Math.max(1, Math.ceil(weightsGiB / 4.9));
  const lines = [`Downloading '${hfId}' to '/workspace/weights' (revision main)`, 'Fetching 13 files:   0%|          | 0/13 [00:00<?, ?it/s]'];
  for (let i = 1; i <= shards; i++) lines.push(`Downloading 'model-${String(i).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors' to '/workspace/weights/.cache/huggingface/download/model-${String(i).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors.incomplete'`);
  lines.push('Fetching 13 files: 100%|██████████| 13/13 [01:12<00:00,  5.58s/it]', '/workspace/weights');
  return lines;
}

export function trainerStartLines(hfId: string, method: string, params: number, records: number, fileName: string, steps: number, epochs: number, batch: number): string[] {
  const r = 8;
  const trainable = Math.round((params / 1e9) * 1_160_000 * (r / 8));
  const pct = ((trainable / params) * 100).toFixed(4);
  return [
    `[kaito] fine_tuning.py: method=${method} model=${hfId} dataset=/mnt/data/${fileName}`,
    ...(method === 'qlora' ? ['`low_cpu_mem_usage` was None, now default to True since model is quantized.', `BitsAndBytesConfig: load_in_4bit=True bnb_4bit_quant_type=nf4 bnb_4bit_compute_dtype=bfloat16`] : []),
    `Loading checkpoint shards: 100%|██████████| 2/2 [00:05<00:00,  2.71s/it]`,
    `trainable params: ${trainable.toLocaleString('en-US')} || all params: ${Math.round(params).toLocaleString('en-US')} || trainable%: ${pct}`,
    `Generating train split: ${records} examples [00:00, ${Math.max(1000, records * 40)} examples/s]`,
    `Map: 100%|██████████| ${records}/${records} [00:00<00:00, ${Math.max(1000, records * 12)} examples/s]`,
    `***** Running training *****`,
    `  Num examples = ${records.toLocaleString('en-US')}`,
    `  Num Epochs = ${epochs}`,
    `  Instantaneous batch size per device = ${batch}`,
    `  Total train batch size (w. parallel, distributed & accumulation) = ${batch}`,
    `  Gradient Accumulation steps = 1`,
    `  Total optimization steps = ${steps.toLocaleString('en-US')}`,
    `  Number of trainable parameters = ${trainable.toLocaleString('en-US')}`,
  ];
}

export function failureTraceback(kind: 'oom' | 'keyerror', gpuMemGiB: number): string[] {
  const head = [
    'Traceback (most recent call last):',
    '  File "/workspace/tfs/fine_tuning.py", line 164, in <module>',
    '    trainer.train()',
    '  File "/usr/local/lib/python3.10/site-packages/transformers/trainer.py", line 2245, in train',
    '    return inner_training_loop(',
    '  File "/usr/local/lib/python3.10/site-packages/transformers/trainer.py", line 2560, in _inner_training_loop',
    '    tr_loss_step = self.training_step(model, inputs, num_items_in_batch)',
  ];
  if (kind === 'keyerror')
    return [
      ...head,
      '  File "/workspace/tfs/parser.py", line 88, in preprocess',
      '    texts = [format_example(e) for e in examples["messages"]]',
      '  File "/usr/local/lib/python3.10/site-packages/datasets/formatting/formatting.py", line 277, in __getitem__',
      '    value = self.data[key]',
      "KeyError: 'messages'",
    ];
  const total = Math.max(8, gpuMemGiB - 0.75);
  return [
    ...head,
    '  File "/usr/local/lib/python3.10/site-packages/accelerate/accelerator.py", line 2329, in backward',
    '    loss.backward(**kwargs)',
    '  File "/usr/local/lib/python3.10/site-packages/torch/autograd/graph.py", line 825, in _engine_run_backward',
    '    return Variable._execution_engine.run_backward(  # Calls into the C++ engine to run the backward pass',
    `torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of ${total.toFixed(2)} GiB of which 1.12 GiB is free. Process 1 has ${(total - 1.12).toFixed(2)} GiB memory in use. Of the allocated memory ${(total - 3.4).toFixed(2)} GiB is allocated by PyTorch, and 1.71 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)`,
    'E0101 00:00:00.000000 1 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: 1) local_rank: 0 (pid: 77) of binary: /usr/local/bin/python3',
  ];
}

export function pusherLines(image: string, rnd: () => number): string[] {
  const digest = () => Array.from({ length: 64 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const size = Math.round(20 + rnd() * 40);
  const [repo] = image.split(/[:@](?=[^/]*$)/);
  return [
    'Training finished, pushing adapter artifact',
    `Uploading ${digest().slice(0, 12)} adapter_config.json`,
    `Uploading ${digest().slice(0, 12)} adapter_model.safetensors`,
    `Uploaded  ${digest().slice(0, 12)} adapter_config.json                                     ${(0.7 + rnd()).toFixed(2)}/${'1.0'} KB 100.00%`,
    `Uploaded  ${digest().slice(0, 12)} adapter_model.safetensors                               ${size}.${Math.floor(rnd() * 9)}/${size}.0 MB 100.00%`,
    `Pushed [registry] ${image}`,
    `ArtifactType: application/vnd.kaito.adapter.v1`,
    `Digest: sha256:${digest()}`,
    `${repo}@sha256 pushed`,
  ];
}
