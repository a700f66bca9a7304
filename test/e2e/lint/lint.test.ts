// kaito lint (issue 18) through the built binary: findings with line/column for every rule fixture, the reproduction of
// Kaito v0.12.0's examples/, human/JSON/SARIF output, exit codes, stdin, --strict, --fix, bad input; and against the
// sandbox: the release is read from the cluster (--kubeconfig), and what lint calls a webhook error is what the
// sandbox's API server (the same core/kaito-webhook.ts) refuses on a server dry run, while lint-clean files are accepted.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ajv } from 'ajv';
import * as ajvDraft04 from 'ajv-draft-04';
import * as ajvFormats from 'ajv-formats';
import { baseEnv, kaito, type CliResult } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { expectations, LINT_EXAMPLES_V012, LINT_RULE_FIXTURES } from '../../support/lint-fixtures.js';
import { kubectlFor } from '../lifecycle/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'kaito-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env = baseEnv({ NO_COLOR: '1', HOME: tmp });
const lint = (args: string[], input?: string, cwd = tmp) => kaito(['lint', ...args], { env, input, cwd });

interface JsonFinding { file: string; line: number; column: number; rule: string; severity: string; message: string; fix: string; path: string }
interface JsonReport { kaitoVersion: string; files: number; workspaces: number; summary: { errors: number; warnings: number }; findings: JsonFinding[] }
const json = (r: CliResult) => JSON.parse(r.stdout) as JsonReport;

function noStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('kaito lint: every rule fixture through the binary', () => {
  const files = readdirSync(LINT_RULE_FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
  it('-o json gives exactly the expected rule, line and column per fixture, and the exit code follows the severities', async () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const name of files) {
      const file = join(LINT_RULE_FIXTURES, name);
      const { expected, args } = expectations(readFileSync(file, 'utf8'));
      const r = await lint([...args, '-o', 'json', file]);
      noStack(r);
      const report = json(r);
      const got = report.findings.map((f) => `${f.rule} ${f.line}:${f.column}`).sort();
      expect(got, `${name}: ${r.stdout}`).toEqual(expected.map((e) => `${e.rule} ${e.line}:${e.column}`).sort());
      expect(report.findings.every((f) => f.file === file)).toBe(true);
      expect(r.code, name).toBe(report.summary.errors ? 2 : 0);
    }
  });
});

describe("kaito lint on a reproduction of Kaito v0.12.0's examples/", () => {
  it('reports what Kaito 0.12 rejects there, at the right lines, and nothing else', async () => {
    const expected = JSON.parse(readFileSync(join(LINT_EXAMPLES_V012, 'EXPECTED.json'), 'utf8')) as { files: Record<string, Array<{ rule: string; severity: string; line: number; why: string }>>; why: Record<string, string> };
    const r = await lint(['-o', 'json', '--kaito-version', '0.12', LINT_EXAMPLES_V012]);
    noStack(r);
    expect(r.code).toBe(2);
    const report = json(r);
    // every *.yaml under the tree was read (README.md and EXPECTED.json's own .json are data, see below)
    const onDisk = new Set<string>();
    const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.yaml') && onDisk.add(relative(LINT_EXAMPLES_V012, join(d, e.name)))));
    walk(LINT_EXAMPLES_V012);
    expect([...onDisk].sort()).toEqual(Object.keys(expected.files).sort());
    const got: Record<string, string[]> = {};
    for (const f of report.findings) (got[relative(LINT_EXAMPLES_V012, f.file)] ??= []).push(`${f.rule} ${f.severity} ${f.line}`);
    for (const [file, list] of Object.entries(expected.files)) {
      for (const e of list) expect(expected.why[e.why], `${file}: reason ${e.why}`).toBeTruthy();
      expect((got[file] ?? []).sort(), file).toEqual(list.map((e) => `${e.rule} ${e.severity} ${e.line}`).sort());
    }
    expect(Object.keys(got).filter((f) => !(f in expected.files))).toEqual([]);
  });
});

describe('kaito lint output and exit codes', () => {
  it('human output: grouped by file, the offending line and a caret under the column, the fix, a summary; exit 2 on errors', async () => {
    const file = join(LINT_RULE_FIXTURES, 'schema-unknown-field.yaml');
    const r = await lint([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(file);
    const at = lines.findIndex((l) => l.startsWith('  9:3  error  resource.instancetype: unknown field'));
    expect(at, r.stdout).toBeGreaterThan(0);
    expect(lines[at]).toMatch(/\[schema-unknown-field\]$/);
    expect(lines[at + 1]).toBe('    9 |   instancetype: Standard_NC24ads_A100_v4');
    expect(lines[at + 2]).toBe('      |   ^');
    expect(lines[at + 3]).toBe('    fix: rename it to instanceType');
    expect(r.stdout).toMatch(/^2 errors, 0 warnings \(1 workspace in 1 file\)$/m);
  });

  it('warnings alone exit 0, or 1 with --strict; a clean file says so and exits 0', async () => {
    const warn = join(LINT_RULE_FIXTURES, 'dataset-url.yaml');
    expect((await lint([warn])).code).toBe(0);
    const strict = await lint(['--strict', warn]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/0 errors, 1 warning/);
    const clean = await lint(['-f', join(LINT_RULE_FIXTURES, 'clean.yaml'), '--strict']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('no problems (1 workspace in 1 file)\n');
  });

  it('reads stdin with -, and -f is repeatable and mixes with arguments', async () => {
    const text = readFileSync(join(LINT_RULE_FIXTURES, 'webhook-inference.yaml'), 'utf8');
    const r = await lint(['-o', 'json', '-'], text);
    expect(r.code).toBe(2);
    expect(json(r).findings.map((f) => f.file)).toEqual(['<stdin>', '<stdin>', '<stdin>']);
    const both = await lint(['-o', 'json', join(LINT_RULE_FIXTURES, 'clean.yaml'), '-f', join(LINT_RULE_FIXTURES, 'sku.yaml')]);
    expect(json(both).files).toBe(2);
    expect(json(both).findings.map((f) => f.rule)).toEqual(['sku']);
  });

  it('walks directories for *.yaml, *.yml and *.json (JSON positions too) and skips other files', async () => {
    const dir = join(tmp, 'walk');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    const ws = { apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'ws' }, resource: { instanceType: 'Standard_E8s_v5', labelSelector: { matchLabels: { app: 'ws' } } }, inference: { preset: { name: 'phi-4-mini-instruct' } } };
    writeFileSync(join(dir, 'nested', 'ws.json'), JSON.stringify(ws, null, 2) + '\n');
    copyFileSync(join(LINT_RULE_FIXTURES, 'clean.yaml'), join(dir, 'clean.yml'));
    writeFileSync(join(dir, 'notes.txt'), 'kind: Workspace\n');
    const r = await lint(['-o', 'json', dir]);
    const report = json(r);
    expect(report.files).toBe(2);
    expect(report.workspaces).toBe(2);
    const text = readFileSync(join(dir, 'nested', 'ws.json'), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('"instanceType"')) + 1;
    expect(report.findings.map((f) => `${relative(dir, f.file)}:${f.line}:${f.column} ${f.rule}`)).toEqual([`nested/ws.json:${line}:${text[line - 1].indexOf('"instanceType"') + 1} sku`]);
  });

  it('-o sarif validates against the OASIS SARIF 2.1.0 JSON schema and carries the same findings', async () => {
    const dir = join(tmp, 'sarif');
    mkdirSync(dir, { recursive: true });
    for (const n of ['schema-type.yaml', 'dataset-url.yaml', 'training-config.yaml']) copyFileSync(join(LINT_RULE_FIXTURES, n), join(dir, n));
    const r = await lint(['-o', 'sarif', '.'], undefined, dir);
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }> };
    // the schema as published by the SARIF authors (OASIS standard artifact), shipped in @microsoft/jest-sarif
    const schemaPath = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    // the schema is JSON Schema draft-04: Ajv's own draft-04 class; its patterns are not valid as unicode regexps
    const AjvDraft04 = (ajvDraft04 as unknown as { default: new (o: object) => Ajv }).default;
    const addFormats = (ajvFormats as unknown as { default: (a: Ajv) => Ajv }).default;
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // the validator does reject a broken log (the check can fail)
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    const jsonReport = json(await lint(['-o', 'json', '.'], undefined, dir));
    const results = log.runs[0].results;
    expect(results.map((x) => `${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn} ${x.ruleId} ${x.level}`))
      .toEqual(jsonReport.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.severity}`));
    expect(results.every((x) => log.runs[0].tool.driver.rules.some((rule) => rule.id === x.ruleId))).toBe(true);
  });

  it('--fix rewrites v1alpha1 and the method case in place, prints a diff, keeps comments; then only real problems remain', async () => {
    const file = join(tmp, 'quickstart.yaml');
    const before = [
      '# the fine-tuning quick start as many blogs still have it',
      'apiVersion: kaito.sh/v1alpha1',
      'kind: Workspace',
      'metadata:',
      '  name: workspace-tuning-phi-3',
      'resource:',
      '  instanceType: "Standard_NC6s_v3"   # a V100',
      '  labelSelector:',
      '    matchLabels:',
      '      app: tuning-phi-3',
      'tuning:',
      '  preset:',
      '    name: phi-3-mini-128k-instruct',
      '  method: QLoRA',
      '  input:',
      '    urls:',
      '      - "https://example.com/data/train.parquet"',
      '  output:',
      '    image: "myacr.azurecr.io/adapter:0.0.1"',
      '    imagePushSecret: acr-push',
      '',
    ].join('\n');
    writeFileSync(file, before);
    const first = await lint(['-o', 'json', file]);
    expect(json(first).findings.map((f) => f.rule).sort()).toEqual(['api-version-deprecated', 'schema-type', 'sku']);
    const r = await lint(['--fix', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--- a/${file}\n+++ b/${file}\n@@ -2,1 +2,1 @@\n-apiVersion: kaito.sh/v1alpha1\n+apiVersion: kaito.sh/v1beta1\n@@ -14,1 +14,1 @@\n-  method: QLoRA\n+  method: qlora\n`);
    expect(readFileSync(file, 'utf8')).toBe(before.replace('kaito.sh/v1alpha1', 'kaito.sh/v1beta1').replace('QLoRA', 'qlora'));
    // the SKU is never guessed: it stays, and lint still names the problem with sizes to pick from
    expect(r.stdout).toMatch(/7:3  error  instanceType Standard_NC6s_v3 is not in Kaito 0\.12's GPU SKU table/);
    expect(r.stdout).toMatch(/fix: pick a size from `kaito presets show phi-3-mini-128k-instruct`/);
    expect(r.stdout).not.toMatch(/schema-type|api-version-deprecated/);
    const again = await lint(['--fix', file]);
    expect(again.stderr).toContain('--fix: nothing to rewrite');
  });

  it('bad input: one or two lines on stderr naming the problem and the fix, exit 2, no stack', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[join(tmp, 'nope.yaml')], /^error: .*nope\.yaml: no such file or directory\n {2}name existing files/],
      [['--kaito-version', '0.9', join(LINT_RULE_FIXTURES, 'clean.yaml')], /^error: --kaito-version 0\.9: not a Kaito release the CLI knows\n {2}use 0\.6, 0\.10, 0\.11 or 0\.12\n$/],
      [['-o', 'yaml', join(LINT_RULE_FIXTURES, 'clean.yaml')], /^error: unknown output format "yaml"\n {2}use -o json or -o sarif/],
      [[], /^error: no files to lint\n/],
      [['--node-provisioning', 'auto', join(LINT_RULE_FIXTURES, 'clean.yaml')], /^error: --node-provisioning auto: must be nap or byo\n/],
    ];
    for (const [args, re] of cases) {
      const r = await lint(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      noStack(r);
    }
  });
});

describe('kaito lint against the sandbox', () => {
  let sb06: TestSandbox;
  let sb12: TestSandbox;
  const kubectl = kubectlFor(() => sb12);
  beforeAll(async () => {
    [sb06, sb12] = await Promise.all([startTestSandbox({ kaitoVersion: '0.6' }), startTestSandbox({ kaitoVersion: '0.12' })]);
  });

  it('--kubeconfig: the release comes from the cluster (0.6 still has V100s; 0.12 does not)', async () => {
    const file = join(LINT_RULE_FIXTURES, 'sku-tuning.yaml');
    const on06 = await kaito(['lint', '--kubeconfig', sb06.kubeconfigPath, file], { env: sb06.cliEnv });
    expect(on06.code, on06.stderr).toBe(0);
    expect(on06.stderr).toMatch(/^Kaito v?0\.6[.\d]* on the cluster: checking against the rules of Kaito 0\.6$/m);
    const on12 = await kaito(['lint', '--kubeconfig', sb12.kubeconfigPath, '-o', 'json', file], { env: sb12.cliEnv });
    expect(on12.code).toBe(2);
    expect(json(on12).kaitoVersion).toBe('0.12');
    expect(json(on12).findings.map((f) => f.rule)).toEqual(['sku']);
    // --kaito-version wins over the cluster
    const forced = await kaito(['lint', '--kubeconfig', sb12.kubeconfigPath, '--kaito-version', '0.6', file], { env: sb12.cliEnv });
    expect(forced.code).toBe(0);
  });

  it("lint's webhook errors are what the sandbox's API server refuses; lint-clean files are accepted and created", async () => {
    const refused = ['webhook-tuning.yaml', 'webhook-inference.yaml'];
    for (const name of refused) {
      const file = join(LINT_RULE_FIXTURES, name);
      const report = json(await lint(['-o', 'json', file]));
      const webhook = report.findings.filter((f) => f.rule === 'webhook');
      expect(webhook.length).toBeGreaterThan(0);
      const err = await kubectl('apply', '--dry-run=server', '-f', file).then(() => 'accepted', (e: Error) => e.message);
      expect(err, name).not.toBe('accepted');
      for (const f of webhook) expect(err, `${name}: ${f.message}`).toContain(f.path || 'spec');
    }
    const strength = join(LINT_EXAMPLES_V012, 'inference/kaito_workspace_phi_3_with_adapters.yaml');
    await expect(kubectl('apply', '--dry-run=server', '-f', strength)).rejects.toThrow(/strength/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
    // lint-clean files (with --strict: not even a warning) are accepted: applied for real (a dry run would not
    // create the ConfigMap the webhook looks up), checked with kubectl, deleted again
    const examples = ['inference/kaito_workspace_phi_4_mini.yaml', 'inference/kaito_workspace_custom_config.yaml', 'inference/kaito_workspace_tool_calling.yaml', 'fine-tuning/kaito_workspace_tuning_phi_3.yaml'];
    for (const file of [join(LINT_RULE_FIXTURES, 'clean.yaml'), ...examples.map((e) => join(LINT_EXAMPLES_V012, e))]) {
      const r = await lint(['--strict', '-o', 'json', file]);
      expect(r.code, `${file}: ${r.stdout}`).toBe(0);
      expect(json(r).workspaces).toBe(1);
      await kubectl('apply', '-f', file);
      const names = (await kubectl('get', 'workspaces', '-o', 'name')).trim().split('\n');
      expect(names, file).toHaveLength(1);
      await kubectl('delete', '-f', file, '--wait=false');
      await kubectl('delete', names[0], '--ignore-not-found', '--wait=true', '--timeout=30s');
    }
  });
});

describe("the README's quick start before/after", () => {
  it('before: the four findings its comments name; after: clean', async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Checking manifests: kaito lint'));
    const [before, after] = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    const b = await lint(['-o', 'json', '-'], before);
    expect(b.code).toBe(2);
    expect(json(b).findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['1 api-version-deprecated', '6 sku', '13 schema-type', '16 dataset-url']);
    for (const f of json(b).findings) expect(before.split('\n')[f.line - 1]).toContain(`# ${f.rule}`);
    const a = await lint(['--strict', '-'], after);
    expect(a.code, a.stdout).toBe(0);
  });
});
