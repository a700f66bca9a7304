// What kaito remembers about the data images it built (issue 13): for the same files (same path, device, inode, size,
// modification and change times) and the same validation format, the validator's verdict, the image's descriptors and
// the repositories it was pushed to. A second push of an unchanged file then skips validating and packing: the
// registry either has the blob already (HEAD), can mount it from a repository it was pushed to before (cross-repository
// mount), or the layer is rebuilt from the file. Like docker's build cache, it is keyed on file metadata; editing a
// file changes its mtime/ctime and size, so the entry no longer matches. Entries are small JSON files under
// <user cache dir>/data-images; a broken or foreign entry is ignored.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { userCacheDir } from '../paths.js';

const VERSION = 1;

export interface CachedFile { name: string; path: string; bytes: number; records: number; format: string | null }
export interface CachedImage {
  v: number;
  files: CachedFile[];
  layer: { mediaType: string; digest: string; size: number; diffId: string };
  config: { mediaType: string; digest: string; size: number; body: string };
  manifest: { mediaType: string; digest: string; body: string };
  /** "registry/repository" it was pushed to, newest first */
  pushedTo: string[];
}

/** The cache key: every file's identity and the validation format; undefined when a file cannot be stat'ed. */
export async function imageCacheKey(paths: string[], format: string): Promise<string | undefined> {
  const h = createHash('sha256').update(`v${VERSION}\0${format}\0`);
  for (const p of paths) {
    const s = await stat(p, { bigint: true }).catch(() => undefined);
    if (!s || !s.isFile()) return undefined;
    h.update(`${resolve(p)}\0${s.dev}\0${s.ino}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0`);
  }
  return h.digest('hex');
}

const dir = (env: NodeJS.ProcessEnv) => join(userCacheDir(env), 'data-images');

export function readImageCache(key: string, env: NodeJS.ProcessEnv): CachedImage | undefined {
  try {
    const e = JSON.parse(readFileSync(join(dir(env), `${key}.json`), 'utf8')) as CachedImage;
    const ok = e.v === VERSION && Array.isArray(e.files) && /^sha256:[0-9a-f]{64}$/.test(e.layer?.digest ?? '') && typeof e.config?.body === 'string' && typeof e.manifest?.body === 'string' && Array.isArray(e.pushedTo);
    return ok ? e : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only costs the next push its validation and packing again. */
export function writeImageCache(key: string, entry: CachedImage, env: NodeJS.ProcessEnv): void {
  try {
    const d = dir(env);
    mkdirSync(d, { recursive: true });
    const tmp = join(d, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, join(d, `${key}.json`));
  } catch {
    /* read-only home, full disk: not worth failing a push over */
  }
}
