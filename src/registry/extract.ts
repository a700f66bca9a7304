// Reads Kaito adapter images safely: every layer is hashed while it streams and must match its descriptor's
// digest; entries with "..", absolute paths, or links pointing outside the image are refused; the expanded
// size is capped (a layer bomb stops at the cap). Only the adapter files under data/ are kept, written to a
// temp folder inside DIR and moved into place once every layer is verified: nothing is left half-written.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { OperationError } from '../errors.js';
import type { Descriptor } from './client.js';

export const ADAPTER_FILES = ['adapter_config.json', 'adapter_model.safetensors'] as const;
export const DEFAULT_MAX_EXPANDED = 20 * 1024 * 1024 * 1024;
const MAX_CONFIG_BYTES = 1024 * 1024;

export class UnsafeImageError extends OperationError {}

/** "data/x", "./data/x" -> "data/x"; refuses absolute names and "..". */
export function safeEntryName(name: string): string {
  if (name.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(name)) throw new UnsafeImageError(`the image has an entry with an absolute path (${JSON.stringify(name.slice(0, 120))}); refusing it`);
  const parts = name.split('/');
  if (parts.includes('..')) throw new UnsafeImageError(`the image has an entry with ".." (${JSON.stringify(name.slice(0, 120))}); refusing it`);
  return posix.normalize(name).replace(/^\.\//, '').replace(/\/$/, '');
}

/** A link target resolved from the entry's folder must stay inside the image root. */
function checkLink(entryName: string, target: string, hard: boolean): void {
  if (target.startsWith('/')) throw new UnsafeImageError(`the image has a link ${JSON.stringify(entryName)} -> ${JSON.stringify(target)} pointing outside it; refusing it`);
  const resolved = posix.normalize(hard ? target : posix.join(posix.dirname(entryName), target));
  if (resolved === '..' || resolved.startsWith('../')) throw new UnsafeImageError(`the image has a link ${JSON.stringify(entryName)} -> ${JSON.stringify(target)} pointing outside it; refusing it`);
}

export interface ExtractResult {
  /** name -> bytes written, for the adapter files found */
  files: Map<string, number>;
  /** adapter_config.json's text (small) */
  configText?: string;
  expandedBytes: number;
}

export interface ExtractOptions {
  maxExpanded?: number;
  /** write adapter files into this folder (via a temp folder inside it); undefined: only read the config */
  targetDir?: string;
}

/**
 * Streams the layers in order through digest check, gunzip and tar; keeps data/adapter_config.json (text) and,
 * with targetDir, both adapter files. Later layers override earlier ones, as the puller's untar does.
 */
export async function extractAdapter(layers: Descriptor[], open: (d: Descriptor) => Promise<Readable>, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const max = opts.maxExpanded ?? DEFAULT_MAX_EXPANDED;
  let expanded = 0;
  const files = new Map<string, number>();
  let configText: string | undefined;
  let tmp: string | undefined;
  if (opts.targetDir) {
    await mkdir(opts.targetDir, { recursive: true });
    tmp = await mkdtemp(join(opts.targetDir, '.kaito-pull-'));
  }
  try {
    for (const [i, layer] of layers.entries()) {
      const mt = layer.mediaType;
      if (/zstd/.test(mt)) throw new OperationError(`layer ${i + 1} is zstd-compressed (${mt}); kaito reads gzip and plain tar layers`);
      if (!/tar/.test(mt)) throw new OperationError(`layer ${i + 1} has media type ${mt}, not a tar layer; this is not an image Kaito's puller can read`);
      const hash = createHash('sha256');
      let got = 0;
      const check = new Transform({
        transform(chunk: Buffer, _e, cb) {
          got += chunk.length;
          if (got > layer.size) return cb(new OperationError(`layer ${layer.digest.slice(0, 19)} is larger than its manifest says (${layer.size} bytes); refusing it`));
          hash.update(chunk);
          cb(null, chunk);
        },
        flush(cb) {
          const d = `sha256:${hash.digest('hex')}`;
          if (got !== layer.size || d !== layer.digest) return cb(new OperationError(`layer ${layer.digest.slice(0, 19)} does not match its digest (got ${d.slice(0, 19)}, ${got} bytes); refusing the image`, 'the registry (or something between) altered the blob'));
          cb();
        },
      });
      const cap = new Transform({
        transform(chunk: Buffer, _e, cb) {
          expanded += chunk.length;
          if (expanded > max) return cb(new UnsafeImageError(`the image expands to more than ${max} bytes; refusing it (a layer bomb?)`, 'raise the limit with --max-size if the adapter is really this large'));
          cb(null, chunk);
        },
      });
      const extract = tar.extract();
      extract.on('entry', (header, stream, next) => {
        // the extractor destroys the entry stream with our error when we refuse the image; the pipeline reports it
        stream.on('error', () => undefined);
        const fail = (e: Error) => {
          stream.resume();
          extract.destroy(e);
        };
        let name: string;
        try {
          name = safeEntryName(header.name);
          if (header.type === 'symlink' || header.type === 'link') checkLink(name, header.linkname ?? '', header.type === 'link');
        } catch (e) {
          return fail(e as Error);
        }
        const base = ADAPTER_FILES.find((f) => name === `data/${f}`);
        if (!base) {
          stream.on('end', next).resume();
          return;
        }
        if (header.type !== 'file' && header.type !== 'contiguous-file') return fail(new UnsafeImageError(`data/${base} in the image is a ${header.type}, not a regular file; refusing it`));
        let size = 0;
        const keepText = base === 'adapter_config.json';
        const text: Buffer[] = [];
        const sinks: Writable[] = [];
        const sink = new Writable({
          write(chunk: Buffer, _e, cb) {
            size += chunk.length;
            if (keepText) {
              if (size > MAX_CONFIG_BYTES) return cb(new OperationError('adapter_config.json in the image is larger than 1 MiB; refusing it'));
              text.push(chunk);
            }
            if (tmp) sinks[0]!.write(chunk, cb);
            else cb();
          },
          final(cb) {
            if (tmp) sinks[0]!.end(cb);
            else cb();
          },
        });
        if (tmp) sinks.push(createWriteStream(join(tmp, base)));
        pipeline(stream, sink).then(
          () => {
            files.set(base, size);
            if (keepText) configText = Buffer.concat(text).toString('utf8');
            next();
          },
          (e: Error) => extract.destroy(e),
        );
      });
      const src = await open(layer);
      const stages: NodeJS.ReadWriteStream[] = [check];
      if (/gzip/.test(mt)) stages.push(createGunzip());
      stages.push(cap);
      await pipeline(src, ...(stages as unknown as [Transform]), extract);
    }
    if (tmp && opts.targetDir) {
      const missing = ADAPTER_FILES.filter((f) => !files.has(f));
      if (missing.length) throw new OperationError(`the image has no ${missing.map((f) => `/data/${f}`).join(' and ')}; it is not a Kaito adapter image`, 'an adapter image holds /data/adapter_config.json and /data/adapter_model.safetensors (what Kaito\'s tuning pushes)');
      for (const f of files.keys()) await rename(join(tmp, f), join(opts.targetDir, f));
    }
    return { files, configText, expandedBytes: expanded };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
