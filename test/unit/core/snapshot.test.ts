// dist/catalog.json (scripts/catalog-snapshot.mjs) must hold exactly what parsing the YAML gives, and the
// loaders must use it only for unchanged files, falling back to YAML when there is no snapshot.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without type declarations
import { catalogSnapshot, SNAPSHOT_DIRS } from '../../../scripts/catalog-snapshot.mjs';
import { packageRoot } from '../../../src/paths.js';
import { setSnapshotPath } from '../../../src/catalog/files.js';
import { snapshotDoc } from '../../../src/core/snapshot.js';

type Snap = { format: 1; files: Record<string, { text: string; doc: unknown }> };
const root = packageRoot();
const dir = mkdtempSync(join(tmpdir(), 'kaito-snap-'));

afterEach(() => setSnapshotPath(undefined));

describe('catalog snapshot', () => {
  const snap = catalogSnapshot(root) as Snap;

  it('holds every preset, the SKU table and every template, with documents equal to the YAML after a JSON round trip', () => {
    const keys = Object.keys(snap.files);
    expect(keys).toContain('presets/skus.yaml');
    expect(keys).toContain('templates/workspace-tuning.yaml');
    expect(keys.filter((k) => k.startsWith('presets/')).length).toBeGreaterThan(20);
    expect(SNAPSHOT_DIRS).toEqual(['presets', 'templates']);
    const roundTripped = JSON.parse(JSON.stringify(snap)) as Snap;
    for (const [key, { text, doc }] of Object.entries(roundTripped.files)) {
      expect(text).toBe(readFileSync(join(root, key), 'utf8'));
      expect(doc, key).toStrictEqual(YAML.parse(text));
    }
  });

  it('serves a document only for the exact text, and nothing without a snapshot', () => {
    const file = join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify(snap));
    setSnapshotPath(file);
    const text = readFileSync(join(root, 'presets/skus.yaml'), 'utf8');
    expect(snapshotDoc('presets/skus.yaml', text)?.doc).toStrictEqual(YAML.parse(text));
    expect(snapshotDoc('presets/skus.yaml', text + '\n# edited\n')).toBeNull();
    expect(snapshotDoc('presets/unknown.yaml', text)).toBeNull();
    setSnapshotPath(join(dir, 'missing.json'));
    expect(snapshotDoc('presets/skus.yaml', text)).toBeNull();
    writeFileSync(join(dir, 'bad.json'), '{not json');
    setSnapshotPath(join(dir, 'bad.json'));
    expect(snapshotDoc('presets/skus.yaml', text)).toBeNull();
  });

  it('the loaders give the same catalog from the snapshot as from YAML', async () => {
    // fresh module instances so the loaders' caches start empty
    const load = async () => {
      const { vi } = await import('vitest');
      vi.resetModules();
      // the fresh core modules get the file catalog installed again by a fresh src/catalog/files.js
      const snapMod = await import('../../../src/catalog/files.js');
      return { snapMod, presets: await import('../../../src/core/presets.js'), templates: await import('../../../src/core/templates.js') };
    };
    const file = join(dir, 'catalog2.json');
    writeFileSync(file, JSON.stringify(snap));
    const a = await load();
    a.snapMod.setSnapshotPath(file);
    const fromSnap = { presets: a.presets.loadPresets(), skus: a.presets.loadSkus(), one: a.presets.getPreset('phi-4-mini-instruct'), t: a.templates.loadTemplate('workspace-tuning') };
    const b = await load();
    b.snapMod.setSnapshotPath(join(dir, 'none.json'));
    const fromYaml = { presets: b.presets.loadPresets(), skus: b.presets.loadSkus(), one: b.presets.getPreset('phi-4-mini-instruct'), t: b.templates.loadTemplate('workspace-tuning') };
    expect(fromSnap).toStrictEqual(fromYaml);
    rmSync(dir, { recursive: true, force: true });
  });
});
