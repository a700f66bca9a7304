// `kaito dataset push FILE... IMAGE`: validate each file, build the data image (one gzip layer, data/<file>) and push
// it over the OCI distribution API. stdout: the digest reference (REGISTRY/REPO@sha256:...), or with -o json|yaml:
//   { image, digest, reference, files: [{name, path, bytes, records, format}], blobs: [{kind, digest, size, pushed}] }
// stderr: progress (a live line on a TTY, plain lines otherwise) and the verdict.
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { bufferRange, buildDataImage, fileRange, type BuiltImage } from '../../registry/image.js';
import { digestRef, formatRef, type ImageRef } from '../../registry/reference.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { parseImageArg, registryClient, type RegistryFlags } from '../shared/registry.js';

interface Opts extends RegistryFlags {
  format?: 'auto' | 'messages' | 'prompt-completion';
}

export interface PushedFile { name: string; path: string; bytes: number; records: number; format: string | null }
export interface PushResult {
  image: string;
  digest: string;
  reference: string;
  files: PushedFile[];
  blobs: Array<{ kind: 'layer' | 'config'; digest: string; size: number; pushed: boolean }>;
}

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const all = (args[0] as string[]) ?? [];
  const output = parseOutputFormat(ctx.globals.output, ['text', 'json', 'yaml'], 'text');
  if (all.length < 2) throw new UsageError('dataset push needs at least one FILE and the IMAGE to push to', 'e.g. kaito dataset push ./train.jsonl myregistry.azurecr.io/datasets/train:v1');
  const image = all[all.length - 1]!;
  const paths = all.slice(0, -1);
  const ref = parseImageArg(image);
  if (!ref.tag) throw new UsageError(`IMAGE ${image}: give a tag to push to (a digest is the result of a push, not its target)`, `e.g. ${ref.registry}/${ref.repository}:v1`);
  const files = await validateFiles(ctx, paths, opts.format ?? 'auto');
  const client = await registryClient(ctx, ref, opts);
  try {
    const result = await pushDataImage(ctx, client, ref, files);
    if (output === 'text') ctx.io.print(result.reference + '\n');
    else printResult(ctx.io, output, { document: result });
    ctx.io.info(`${ctx.io.color.green('✓')} pushed ${result.image} (${result.digest})`);
    return 0;
  } finally {
    await client.close();
  }
}

/** Every file through the dataset validator; all problems reported at once, nothing pushed when one fails. */
export async function validateFiles(ctx: CommandContext, paths: string[], format: 'auto' | 'messages' | 'prompt-completion'): Promise<PushedFile[]> {
  const { basename } = await import('node:path');
  const names = new Map<string, string>();
  for (const p of paths) {
    const n = basename(p);
    if (names.has(n)) throw new UsageError(`${names.get(n)} and ${p} have the same name ${n}; the image holds data/<name>, so names must differ`, 'rename one of them');
    names.set(n, p);
  }
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

/** Builds and pushes; progress on stderr. The temp layer file is removed whatever happens. */
export async function pushDataImage(ctx: CommandContext, client: RegistryClient, ref: ImageRef, files: PushedFile[]): Promise<PushResult> {
  const progress = progressReporter(ctx.io);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  let built: BuiltImage | undefined;
  try {
    built = await buildDataImage(files.map((f) => f.path), (n) => progress.update('packing', n, total));
    progress.done(`packed ${files.length === 1 ? files[0]!.name : `${files.length} files`} (${mib(total)}) into layer ${built.layer.digest.slice(7, 19)} (${mib(built.layer.size)})`);
    const b = built;
    const layer = await client.pushBlob(b.layer, (s, e) => fileRange(b.layerPath, s, e), (n) => progress.update('uploading', n, b.layer.size));
    progress.done(layer === 'exists' ? `layer ${b.layer.digest.slice(7, 19)} is already in ${ref.registry}` : `uploaded layer ${b.layer.digest.slice(7, 19)} (${mib(b.layer.size)})`);
    const config = await client.pushBlob(b.config, (s, e) => bufferRange(b.config.body, s, e));
    const digest = await client.pushManifest(b.manifest.body, b.manifest.mediaType, ref.tag!);
    return {
      image: formatRef({ ...ref, digest: undefined }),
      digest,
      reference: digestRef(ref, digest),
      files: files.map((f) => ({ ...f })),
      blobs: [
        { kind: 'layer', digest: b.layer.digest, size: b.layer.size, pushed: layer === 'uploaded' },
        { kind: 'config', digest: b.config.digest, size: b.config.size, pushed: config === 'uploaded' },
      ],
    };
  } finally {
    progress.clear();
    await built?.cleanup();
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
