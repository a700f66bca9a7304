// Parsed data files from the build-time snapshot (dist/catalog.json, see scripts/catalog-snapshot.mjs), as the
// catalog source gives it (src/catalog/files.ts). A document is returned only when the caller's file text is
// exactly the text it was parsed from, so an edited preset or template is always parsed afresh. No snapshot
// simply means null: the caller parses the YAML.
import { catalogSource } from './catalog-source.js';

/**
 * The parsed document of `key` (e.g. "presets/skus.yaml") when the snapshot holds it for exactly this text.
 * Callers must not mutate it: the snapshot is shared.
 */
export function snapshotDoc(key: string, text: string): { doc: unknown } | null {
  const entry = catalogSource().snapshot()?.files[key];
  return entry && entry.text === text ? { doc: entry.doc } : null;
}
