// `kaito tune --dataset ./train.jsonl` (SPEC "kaito tune": a local file is pushed as a data image to --dataset-image,
// default <output-image repository>-data:<first 12 hex of the content digest>, and rendered as tuning.input.image).
// The plan is made without the network (render == dry run); the push happens in `kaito tune` only.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../../cli/context.js';
import type { TuneFlags, TuneInput } from '../../core/render/index.js';
import { UsageError } from '../../errors.js';
import { formatRef, type ImageRef } from '../../registry/reference.js';
import { parseImageArg } from './registry.js';

export interface LocalDatasetPlan {
  path: string;
  /** the image to push to (and that tuning.input.image names) */
  image: string;
  ref: ImageRef;
  /** sha256 of the file's bytes */
  contentDigest: string;
  /** true when --dataset-image named the target; false when derived from --output-image */
  explicit: boolean;
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** Rewrites the flags of a local --dataset into --dataset-image TARGET; undefined plan when there is no local file. */
export async function planLocalDataset(ctx: CommandContext, opts: TuneFlags, project: { outputImage?: string } | undefined): Promise<{ opts: TuneFlags; plan?: LocalDatasetPlan }> {
  const given = opts.dataset ?? [];
  const local = given.filter((d) => !isUrl(d));
  if (local.length === 0) return { opts };
  if (given.length > 1) throw new UsageError(`--dataset ${local[0]} is a local file; give exactly one --dataset when it is a file (Kaito trains on one file)`, 'drop the other --dataset values');
  if (opts.datasetPvc !== undefined) throw new UsageError('use only one of --dataset and --dataset-pvc (Kaito takes exactly one dataset source)');
  const path = local[0]!;
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new UsageError(`--dataset ${path} does not exist`, 'give a local dataset file, or an http(s) URL');
    throw new UsageError(`--dataset ${path} cannot be read (${e.code})`);
  });
  if (st.isDirectory()) throw new UsageError(`--dataset ${path} is a directory`, 'give the dataset file: Kaito trains on one file');
  const hash = createHash('sha256');
  for await (const c of createReadStream(path)) hash.update(c as Buffer);
  const hex = hash.digest('hex');
  let ref: ImageRef;
  let explicit = false;
  if (opts.datasetImage !== undefined) {
    ref = parseImageArg(opts.datasetImage, '--dataset-image');
    explicit = true;
  } else {
    const out = opts.outputImage ?? (opts.outputPvc === undefined ? project?.outputImage : undefined);
    if (!out) throw new UsageError(`--dataset ${path} is a local file: kaito pushes it as a data image, but there is nowhere to push it`, 'pass --dataset-image REGISTRY/REPO:TAG, or --output-image so it goes to <output repository>-data:<digest>');
    const o = parseImageArg(out, '--output-image');
    ref = { registry: o.registry, repository: `${o.repository}-data`, tag: hex.slice(0, 12) };
  }
  if (!ref.tag) throw new UsageError(`--dataset-image ${opts.datasetImage}: give a tag to push the local dataset to`, `e.g. ${ref.registry}/${ref.repository}:v1`);
  const image = formatRef(ref);
  return { opts: { ...opts, dataset: undefined, datasetImage: image }, plan: { path, image, ref, contentDigest: `sha256:${hex}`, explicit } };
}

/** The data image's registry is the output image's: the push Secret (a docker-registry Secret) also pulls it. */
export function addDataPullSecret(input: TuneInput, plan: LocalDatasetPlan | undefined): void {
  if (!plan || input.dataset.kind !== 'image' || input.dataset.pullSecret || input.output.kind !== 'image') return;
  let outRegistry: string;
  try {
    outRegistry = parseImageArg(input.output.image).registry;
  } catch {
    return;
  }
  if (outRegistry === plan.ref.registry) input.dataset.pullSecret = input.output.pushSecret;
}
