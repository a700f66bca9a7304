// `kaito dataset push FILE... IMAGE`: validate each file, build the data image (one gzip layer, data/<file>) and push
// it over the OCI distribution API. stdout: the digest reference (REGISTRY/REPO@sha256:...), or with -o json|yaml:
//   { image, digest, reference, files: [{name, path, bytes, records, format}], blobs: [{kind, digest, size, pushed}] }
// stderr: progress (a live line on a TTY, plain lines otherwise) and the verdict.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { bufferRange, buildDataImage, fileRange, type BuiltImage } from '../../registry/image.js';
import { imageCacheKey, readImageCache, writeImageCache, type CachedImage } from '../../registry/image-cache.js';
import { digestRef, formatRef, type ImageRef } from '../../registry/reference.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { parseImageArg, registryClient, type RegistryFlags } from '../shared/registry.js';
import { OUTPUT_DATASET as OUTPUT } from '../output-formats.js';

interface Opts extends RegistryFlags {
  format?: DatasetFormat;
}

export interface PushedFile { name: string; path: string; bytes: number; records: number; format: string | null }
export interface PushResult {
  image: string;
  digest: string;
  reference: string;
  files: PushedFile[];
  blobs: Array<{ kind: 'layer' | 'config'; digest: string; size: number; pushed: boolean; how: 'uploaded' | 'present' | 'mounted' }>;
}

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const all = (args[0] as string[]) ?? [];
  const output = parseOutputFormat(ctx.globals.output, OUTPUT.push, 'text');
  if (all.length < 2) throw new UsageError('dataset push needs at least one FILE and the IMAGE to push to', 'e.g. kaito dataset push ./train.jsonl myregistry.azurecr.io/datasets/train:v1');
  const image = all[all.length - 1]!;
  const paths = all.slice(0, -1);
  const ref = parseImageArg(image);
  if (!ref.tag) throw new UsageError(`IMAGE ${image}: give a tag to push to (a digest is the result of a push, not its target)`, `e.g. ${ref.registry}/${ref.repository}:v1`);
  // the login first: a bad --registry-password-stdin gets its one error before any file is read
  const client = await registryClient(ctx, ref, opts);
  try {
    const prepared = await prepareDataImage(ctx, paths, opts.format ?? 'auto');
    const result = await pushDataImage(ctx, client, ref, prepared);
    if (output === 'text') ctx.io.print(result.reference + '\n');
    else printResult(ctx.io, output, { document: result });
    ctx.io.info(`${ctx.io.color.green('✓')} pushed ${result.image} (${result.digest})`);
    return 0;
  } finally {
    await client.close();
  }
}

/** Every file through the dataset validator; all problems reported at once, nothing pushed when one fails. */
export async function validateFiles(ctx: CommandContext, paths: string[], format: DatasetFormat): Promise<PushedFile[]> {
  checkNames(paths);
  const { validateDataset } = await import('../../dataset/index.js');
  const out: PushedFile[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    const report = await validateDataset(p, { format, signal: ctx.signal, env: ctx.io.env });
    if (!report.valid) {
      const first = report.problems.find((x) => x.severity === 'error');
      problems.push(`${p}: ${first ? first.message : 'not a trainable dataset'}${report.errors > 1 ? ` (and ${report.errors - 1} more errors)` : ''}`);
      continue;
    }
    out.push({ name: basename(p), path: p, bytes: report.stats.bytes, records: report.stats.records, format: report.format ?? null });
  }
  if (problems.length === 1) throw new UsageError(`${problems[0]}`, 'run `kaito dataset validate FILE` for the full report; nothing was pushed');
  if (problems.length) throw new UsageError(`${problems.length} files cannot be used for tuning`, 'run `kaito dataset validate FILE` for each; nothing was pushed', problems);
  return out;
}

type DatasetFormat = 'auto' | 'messages' | 'prompt-completion';

function checkNames(paths: string[]): void {
  const names = new Map<string, string>();
  for (const p of paths) {
    const n = basename(p);
    if (names.has(n)) throw new UsageError(`${names.get(n)} and ${p} have the same name ${n}; the image holds data/<name>, so names must differ`, 'rename one of them');
    names.set(n, p);
  }
}

/** A data image ready to push: validated files and the image's descriptors, with the layer on disk unless it came from the cache. */
export interface PreparedImage {
  files: PushedFile[];
  layer: BuiltImage['layer'];
  config: BuiltImage['config'];
  manifest: BuiltImage['manifest'];
  /** the layer file; undefined on a cache hit until an upload needs it */
  built?: BuiltImage;
  /** "registry/repository" this image was pushed to before (cache), newest first */
  pushedTo: string[];
  cacheKey?: string;
}

/**
 * Validates the files and builds the image. The validator and the packer (tar, sha256, gzip) read the files at the
 * same time, so on two cores the gzip (libuv's thread pool) runs beside the validator (the main thread); a file that
 * fails validation stops the packer and nothing is left behind. Unchanged files pushed before come from the cache
 * (src/registry/image-cache.ts) without being read.
 */
export async function prepareDataImage(ctx: CommandContext, paths: string[], format: DatasetFormat): Promise<PreparedImage> {
  checkNames(paths);
  const key = await imageCacheKey(paths, format);
  const hit = key ? readImageCache(key, ctx.io.env) : undefined;
  if (hit) {
    const total = hit.files.reduce((n, f) => n + f.bytes, 0);
    ctx.io.info(`${describe(hit.files)} (${mib(total)}, ${hit.files.reduce((n, f) => n + f.records, 0)} records) unchanged since kaito validated and packed it: layer ${hit.layer.digest.slice(7, 19)} (${mib(hit.layer.size)})`);
    return {
      files: hit.files.map((f) => ({ ...f })),
      layer: hit.layer,
      config: { ...hit.config, body: Buffer.from(hit.config.body, 'base64') },
      manifest: { ...hit.manifest, body: Buffer.from(hit.manifest.body, 'base64') },
      pushedTo: hit.pushedTo,
      cacheKey: key,
    };
  }
  const progress = progressReporter(ctx.io);
  const stopPacking = new AbortController();
  let total = 0;
  for (const p of paths) total += await stat(p).then((s) => (s.isFile() ? s.size : 0), () => 0);
  const building = buildDataImage(paths, (n) => progress.update('packing', n, total), stopPacking.signal);
  building.catch(() => undefined);
  let files: PushedFile[];
  try {
    files = await validateFiles(ctx, paths, format);
  } catch (e) {
    stopPacking.abort();
    progress.clear();
    await building.then((b) => b.cleanup(), () => undefined);
    throw e;
  }
  let built: BuiltImage;
  try {
    built = await building;
  } finally {
    progress.clear();
  }
  progress.done(`validated and packed ${describe(files)} (${mib(total)}) into layer ${built.layer.digest.slice(7, 19)} (${mib(built.layer.size)})`);
  const prepared: PreparedImage = { files, layer: built.layer, config: built.config, manifest: built.manifest, built, pushedTo: [], cacheKey: key };
  if (key) writeImageCache(key, cacheEntry(prepared), ctx.io.env);
  return prepared;
}

const describe = (files: Array<{ name: string }>) => (files.length === 1 ? files[0]!.name : `${files.length} files`);

function cacheEntry(p: PreparedImage): CachedImage {
  return {
    v: 1,
    files: p.files,
    layer: p.layer,
    config: { mediaType: p.config.mediaType, digest: p.config.digest, size: p.config.size, body: p.config.body.toString('base64') },
    manifest: { mediaType: p.manifest.mediaType, digest: p.manifest.digest, body: p.manifest.body.toString('base64') },
    pushedTo: p.pushedTo,
  };
}

/**
 * Pushes a prepared image; progress on stderr. The layer: nothing when the registry has it, a cross-repository mount
 * when this image went to another repository of the same registry before, else an upload (the layer rebuilt from the
 * files first when it came from the cache). The temp layer file is removed whatever happens.
 */
export async function pushDataImage(ctx: CommandContext, client: RegistryClient, ref: ImageRef, prepared: PreparedImage): Promise<PushResult> {
  const progress = progressReporter(ctx.io);
  let p = prepared;
  const short = (d: string) => d.slice(7, 19);
  try {
    let layer: 'exists' | 'uploaded' | 'mounted' = 'exists';
    if (await client.blobExists(p.layer.digest, 'pull,push')) {
      progress.done(`layer ${short(p.layer.digest)} is already in ${ref.registry}/${ref.repository}`);
    } else {
      const here = `${ref.registry}/${ref.repository}`;
      const from = p.pushedTo.find((r) => r !== here && r.startsWith(`${ref.registry}/`));
      if (from && (await client.mountBlob(p.layer.digest, from.slice(ref.registry.length + 1)))) {
        layer = 'mounted';
        progress.done(`mounted layer ${short(p.layer.digest)} from ${from} (no upload)`);
      } else {
        if (!p.built) {
          const built = await buildDataImage(p.files.map((f) => f.path), (n) => progress.update('packing', n, p.files.reduce((t, f) => t + f.bytes, 0)));
          if (built.layer.digest !== p.layer.digest) ctx.debug(`the cached layer ${p.layer.digest} and the rebuilt ${built.layer.digest} differ; pushing the rebuilt one`);
          p = { ...p, layer: built.layer, config: built.config, manifest: built.manifest, built };
          progress.done(`packed ${describe(p.files)} into layer ${short(built.layer.digest)} (${mib(built.layer.size)})`);
        }
        const b = p.built!;
        layer = await client.pushBlob(b.layer, (s, e) => fileRange(b.layerPath, s, e), (n) => progress.update('uploading', n, b.layer.size), true);
        progress.done(`uploaded layer ${short(b.layer.digest)} (${mib(b.layer.size)})`);
      }
    }
    const cfg = p.config;
    const config = await client.pushBlob(cfg, (s, e) => bufferRange(cfg.body, s, e));
    const digest = await client.pushManifest(p.manifest.body, p.manifest.mediaType, ref.tag!);
    if (p.cacheKey) {
      const here = `${ref.registry}/${ref.repository}`;
      writeImageCache(p.cacheKey, cacheEntry({ ...p, pushedTo: [here, ...p.pushedTo.filter((r) => r !== here)].slice(0, 8) }), ctx.io.env);
    }
    return {
      image: formatRef({ ...ref, digest: undefined }),
      digest,
      reference: digestRef(ref, digest),
      files: p.files.map((f) => ({ ...f })),
      blobs: [
        { kind: 'layer', digest: p.layer.digest, size: p.layer.size, pushed: layer === 'uploaded', how: layer === 'exists' ? 'present' : layer },
        { kind: 'config', digest: cfg.digest, size: cfg.size, pushed: config === 'uploaded', how: config === 'exists' ? 'present' : config },
      ],
    };
  } finally {
    progress.clear();
    await p.built?.cleanup();
    if (p !== prepared) await prepared.built?.cleanup();
  }
}

function mib(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** A bar on a TTY (at most 10 redraws a second); without one only the finished steps, one plain line each. */
export function progressReporter(io: IOStreams) {
  let last = 0;
  let drawn = false;
  return {
    update(what: string, n: number, total: number) {
      if (!io.canAnimate) return;
      const now = Date.now();
      if (now - last < 100 && n < total) return;
      last = now;
      drawn = true;
      const width = 24;
      const frac = total > 0 ? Math.min(1, n / total) : 1;
      const full = Math.round(frac * width);
      io.err.write(`\r\u001b[2K${what.padEnd(10)} [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${mib(n)} / ${mib(total)} (${Math.floor(frac * 100)}%)`);
    },
    done(line: string) {
      this.clear();
      io.info(line);
    },
    clear() {
      if (drawn) io.err.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
