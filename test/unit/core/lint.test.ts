// kaito lint's rules (issue 18): every rule has a fixture under test/fixtures/lint/rules that breaks it. A fixture's
// header says what lint must report, as `# lint-expect: RULE @ "text"`: the finding's line and column are where that
// text starts in the file (found by a plain string search, independent of the yaml parser). Exactly those findings,
// no others. `# lint-args:` gives --kaito-version / --node-provisioning.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSources, RULE_IDS } from '../../../src/core/lint/index.js';
import { planFixes, unifiedDiff } from '../../../src/core/lint/fix.js';
import type { KaitoRelease } from '../../../src/core/presets.js';
import { expectations, LINT_RULE_FIXTURES, type Expected } from '../../support/lint-fixtures.js';

const DIR = LINT_RULE_FIXTURES;

const key = (f: Expected) => `${f.rule} ${f.line}:${f.column}`;
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('kaito lint rules: each fixture gives exactly its findings, at the right line and column', () => {
  for (const name of files) {
    it(name, () => {
      const text = readFileSync(join(DIR, name), 'utf8');
      const { expected, opts } = expectations(text);
      const { findings } = lintSources([{ file: name, text }], opts);
      expect(findings.map(key).sort(), JSON.stringify(findings, null, 2)).toEqual(expected.map(key).sort());
      for (const f of findings) {
        expect(f.message.length).toBeGreaterThan(10);
        expect(f.fix.length).toBeGreaterThan(5);
      }
    });
  }

  it('every rule has a fixture that breaks it', () => {
    const covered = new Set(files.flatMap((n) => expectations(readFileSync(join(DIR, n), 'utf8')).expected.map((e) => e.rule)));
    expect(RULE_IDS.filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('kaito lint details', () => {
  it('a ConfigMap in another file is found; one nobody references is ignored', () => {
    const docs = readFileSync(join(DIR, 'training-config.yaml'), 'utf8').split('---\n');
    const ws = docs.find((d) => d.includes('kind: Workspace'))!;
    const cm = docs.find((d) => d.includes('kind: ConfigMap'))!;
    const unreferenced = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  training_config.yaml: "not: [yaml"\n';
    const r = lintSources([{ file: 'ws.yaml', text: ws }, { file: 'cm.yaml', text: cm + '---\n' + unreferenced }], { release: '0.12' });
    expect(r.configMaps).toBe(1);
    expect(r.findings.filter((f) => f.file === 'cm.yaml').map((f) => f.rule).sort()).toEqual(['training-config', 'training-config', 'training-config']);
  });

  it('the webhook rules follow the release: a private dataset host is refused by 0.12 only (compat R7)', () => {
    const text = readFileSync(join(DIR, 'webhook-tuning.yaml'), 'utf8');
    const on = (release: KaitoRelease) => lintSources([{ file: 'f', text }], { release }).findings.filter((f) => f.path === 'tuning.input.urls[0]' && f.rule === 'webhook');
    expect(on('0.12')).toHaveLength(1);
    expect(on('0.11')).toHaveLength(0);
  });

  it('the quick start on 0.6 (which has V100s) is fine apart from v1alpha1', () => {
    const text = readFileSync(join(DIR, 'sku-tuning.yaml'), 'utf8');
    expect(lintSources([{ file: 'f', text }], { release: '0.6' }).findings).toEqual([]);
  });

  it('--fix rewrites v1alpha1 and the method case in place, keeping comments and quotes, and nothing else', () => {
    const text = '# keep me\napiVersion: "kaito.sh/v1alpha1"  # old\nkind: Workspace\nmetadata:\n  name: ws\ntuning:\n  method: QLoRA # case\n  preset: {name: Phi-4}\n---\napiVersion: kaito.sh/v1alpha1\nkind: Other\n';
    const [fx] = planFixes([{ file: 'ws.yaml', text }]);
    expect(fx.fixed).toBe(text.replace('"kaito.sh/v1alpha1"', '"kaito.sh/v1beta1"').replace('QLoRA', 'qlora'));
    expect(fx.edits.map((e) => e.line)).toEqual([2, 7]);
    expect(unifiedDiff(fx)).toBe('--- a/ws.yaml\n+++ b/ws.yaml\n@@ -2,1 +2,1 @@\n-apiVersion: "kaito.sh/v1alpha1"  # old\n+apiVersion: "kaito.sh/v1beta1"  # old\n@@ -7,1 +7,1 @@\n-  method: QLoRA # case\n+  method: qlora # case\n');
    expect(planFixes([{ file: 'ok.yaml', text: fx.fixed }])).toEqual([]);
  });

  it('--fix writes kaito.sh/enablelb as "True" (Kaito compares exactly), keeping the quotes; other values are left alone', () => {
    const text = 'apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata:\n  name: ws\n  annotations:\n    kaito.sh/enablelb: "true"  # expose\n';
    const [fx] = planFixes([{ file: 'lb.yaml', text }]);
    expect(fx.fixed).toBe(text.replace('"true"', '"True"'));
    expect(planFixes([{ file: 'lb.yaml', text: text.replace('"true"', '"yes"') }])).toEqual([]);
  });
});
