// Build-time snapshot of the package's data files (presets/*.yaml, presets/skus.yaml, templates/*.yaml):
// each file's text and its parsed document, written by scripts/build.mjs to dist/catalog.json. The YAML
// files stay the source of truth: the loaders (src/core/snapshot.ts) use a document only when the file on
// disk still has exactly the recorded text, so parsing YAML (the slowest part of a cold `presets list` or
// `render tune`) is skipped without any chance of serving stale data.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

/** The folders of the snapshot, relative to the package root. */
export const SNAPSHOT_DIRS = ['presets', 'templates'];

export function catalogSnapshot(root) {
  const files = {};
  for (const dir of SNAPSHOT_DIRS) {
    for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith('.yaml')).sort()) {
      const text = readFileSync(join(root, dir, f), 'utf8');
      // the same call the loaders make; JSON must carry the document unchanged (checked by a unit test)
      files[`${dir}/${f}`] = { text, doc: YAML.parse(text) };
    }
  }
  return { format: 1, files };
}
