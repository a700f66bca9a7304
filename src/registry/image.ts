// Kaito data images (KAITO.md section 5: the puller untars every layer and moves the image's /data onto the data
// volume): one gzip layer holding data/<file> for each file. Deterministic: entries sorted, mtime 0, uid/gid 0, no
// owner names, mode 0644 (0755 for data/), so the same bytes give the same digest. The layer is written to a temp
// file while its two digests are computed (never the whole file in memory); the upload then streams from it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zc, createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { MEDIA } from './client.js';

export interface BuiltImage {
  dir: string;
  layerPath: string;
  layer: { mediaType: string; digest: string; size: number; diffId: string };
  config: { mediaType: string; digest: string; size: number; body: Buffer };
  manifest: { mediaType: string; digest: string; body: Buffer };
  files: Array<{ name: string; path: string; size: number }>;
  cleanup(): Promise<void>;
}

const EPOCH = new Date(0);

function hashing(hash: ReturnType<typeof createHash>, count?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      count?.(chunk.length);
      cb(null, chunk);
    },
  });
}

/** Builds the image for these files (already validated). Names are the files' base names, sorted. */
export async function buildDataImage(paths: string[], onRead?: (bytes: number) => void, signal?: AbortSignal): Promise<BuiltImage> {
  const files = (await Promise.all(paths.map(async (p) => ({ name: basename(p), path: p, size: (await stat(p)).size })))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const dir = await mkdtemp(join(tmpdir(), 'kaito-image-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const layerPath = join(dir, 'layer.tar.gz');
    const diff = createHash('sha256');
    const gz = createHash('sha256');
    let gzSize = 0;
    const pack = tar.pack();
    const common = { mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '' };
    const writer = (async () => {
      pack.entry({ ...common, name: 'data/', type: 'directory', mode: 0o755 });
      let read = 0;
      for (const f of files) {
        const entry = pack.entry({ ...common, name: `data/${f.name}`, type: 'file', mode: 0o644, size: f.size });
        const src = createReadStream(f.path);
        if (onRead) src.on('data', (b: Buffer | string) => onRead((read += b.length)));
        await pipeline(src, entry, { signal });
      }
      pack.finalize();
    })();
    writer.catch((e: Error) => pack.destroy(e));
    await Promise.all([
      pipeline(pack as unknown as Readable, hashing(diff), createGzip({ level: zc.Z_BEST_SPEED }), hashing(gz, (n) => (gzSize += n)), createWriteStream(layerPath), { signal }),
      writer,
    ]);
    const layer = { mediaType: MEDIA.ociLayerGzip, digest: `sha256:${gz.digest('hex')}`, size: gzSize, diffId: `sha256:${diff.digest('hex')}` };
    const configBody = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer.diffId] } }));
    const config = { mediaType: MEDIA.ociConfig, digest: `sha256:${createHash('sha256').update(configBody).digest('hex')}`, size: configBody.length, body: configBody };
    const manifestBody = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
      }),
    );
    const manifest = { mediaType: MEDIA.ociManifest, digest: `sha256:${createHash('sha256').update(manifestBody).digest('hex')}`, body: manifestBody };
    return { dir, layerPath, layer, config, manifest, files, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** A byte range [start, end] of a file, as a stream. */
export function fileRange(path: string, start: number, end: number): Readable {
  return createReadStream(path, { start, end, highWaterMark: 1024 * 1024 });
}

export function bufferRange(buf: Buffer, start: number, end: number): Readable {
  const p = new PassThrough();
  p.end(buf.subarray(start, end + 1));
  return p;
}
