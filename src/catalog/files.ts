// The catalog read from the package's folders: presets/, templates/ and dist/catalog.json (the build-time
// snapshot, scripts/catalog-snapshot.mjs). Importing this module installs it as core's catalog source
// (src/core/catalog-source.ts); main.ts and the test setup do.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setCatalogSource, type CatalogSnapshot, type CatalogSource } from '../core/catalog-source.js';
import { packageRoot, presetsDir, templatesDir } from '../paths.js';

let loaded: CatalogSnapshot | null | undefined;
let location: string | undefined;

/** Where the snapshot is read from (tests point it elsewhere, or at nothing). */
export function setSnapshotPath(path: string | undefined): void {
  location = path;
  loaded = undefined;
}

/** No snapshot (tests running from src/, a build without it, an unreadable file) simply means null. */
function readSnapshot(): CatalogSnapshot | null {
  if (loaded !== undefined) return loaded;
  try {
    const s = JSON.parse(readFileSync(location ?? join(packageRoot(), 'dist', 'catalog.json'), 'utf8')) as CatalogSnapshot;
    loaded = s?.format === 1 && typeof s.files === 'object' && s.files !== null ? s : null;
  } catch {
    loaded = null;
  }
  return loaded;
}

export const fileCatalog: CatalogSource = {
  presetsDir,
  templatesDir,
  list: (dir) => readdirSync(dir),
  exists: (path) => existsSync(path),
  read: (path) => readFileSync(path, 'utf8'),
  snapshot: readSnapshot,
};

setCatalogSource(fileCatalog);
