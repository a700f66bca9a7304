// Parsed data files from the build-time snapshot (dist/catalog.json, see scripts/catalog-snapshot.mjs).
// A document is returned only when the caller's file text is exactly the text it was parsed from, so an
// edited preset or template is always parsed afresh. No snapshot (tests running from src/, a build
// without it, an unreadable file) simply means null: the caller parses the YAML.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

interface Snapshot {
  format: 1;
  files: Record<string, { text: string; doc: unknown }>;
}

let loaded: Snapshot | null | undefined;
let location: string | undefined;

/** Where the snapshot is read from (tests point it elsewhere, or at nothing). */
export function setSnapshotPath(path: string | undefined): void {
  location = path;
  loaded = undefined;
}

function snapshot(): Snapshot | null {
  if (loaded !== undefined) return loaded;
  try {
    const s = JSON.parse(readFileSync(location ?? join(packageRoot(), 'dist', 'catalog.json'), 'utf8')) as Snapshot;
    loaded = s?.format === 1 && typeof s.files === 'object' && s.files !== null ? s : null;
  } catch {
    loaded = null;
  }
  return loaded;
}

/**
 * The parsed document of `key` (e.g. "presets/skus.yaml") when the snapshot holds it for exactly this text.
 * Callers must not mutate it: the snapshot is shared.
 */
export function snapshotDoc(key: string, text: string): { doc: unknown } | null {
  const entry = snapshot()?.files[key];
  return entry && entry.text === text ? { doc: entry.doc } : null;
}
