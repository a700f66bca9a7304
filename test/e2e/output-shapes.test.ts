// docs/output.md is the contract of every `-o json` document. This test reads its `Keys:` lines and runs
// each documented command against the sandbox: every required key must be there, and no key may appear
// that the page does not name. A documented command that is not run here, or a run command that is not
// documented, fails too, so the page cannot drift from the code in either direction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito, type CliResult } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

interface Shape { required: string[]; optional: string[] }

const DOC = fileURLToPath(new URL('../../docs/output.md', import.meta.url));
const DATASET = fileURLToPath(new URL('../../datasets/kaito-ops-messages.jsonl', import.meta.url));
const LINT_CLEAN = fileURLToPath(new URL('../fixtures/lint/rules/clean.yaml', import.meta.url));

/** "## `kaito a` / `kaito b`" followed by "Keys: `x` `y` — optional: `z`" -> {kaito a: shape, kaito b: shape} */
export function documentedShapes(markdown: string): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  let commands: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) commands = [...line.matchAll(/`(kaito [^`]+)`/g)].map((m) => m[1]);
    else if (line.startsWith('Keys:')) {
      const [req, opt = ''] = line.slice('Keys:'.length).split('optional:');
      const names = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      for (const c of commands) shapes.set(c, { required: names(req), optional: names(opt) });
      commands = [];
    }
  }
  return shapes;
}

const shapes = documentedShapes(readFileSync(DOC, 'utf8'));
const checked = new Set<string>();

function expectShape(command: string, doc: Record<string, unknown>): void {
  const shape = shapes.get(command);
  expect(shape, `docs/output.md documents ${command}`).toBeDefined();
  const keys = Object.keys(doc);
  expect(shape!.required.filter((k) => !keys.includes(k)), `${command}: documented keys missing from the output`).toEqual([]);
  expect(keys.filter((k) => !shape!.required.includes(k) && !shape!.optional.includes(k)), `${command}: output keys docs/output.md does not name`).toEqual([]);
  checked.add(command);
}

function json(r: CliResult, what: string): Record<string, unknown> {
  expect(r.code, `${what}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('the -o json documents match docs/output.md', () => {
  let sb: TestSandbox;
  const run = (args: string[], timeoutMs = 120_000) => kaito([...args, '-o', 'json'], { env: sb.cliEnv, timeoutMs });
  const dataset = () => `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`;

  beforeAll(async () => {
    sb = await startTestSandbox();
  });

  it('the page documents the commands this test runs', () => {
    expect([...shapes.keys()].sort()).toEqual(
      ['kaito adapter inspect', 'kaito adapter pull', 'kaito chat', 'kaito dataset push', 'kaito dataset validate', 'kaito delete', 'kaito demo', 'kaito deploy', 'kaito doctor', 'kaito gc', 'kaito lint', 'kaito list', 'kaito nodepool add', 'kaito nodepool delete', 'kaito nodepool list', 'kaito nodepool show', 'kaito presets list', 'kaito presets show', 'kaito render deploy', 'kaito render tune', 'kaito status', 'kaito tune', 'kaito version', 'kaito wait'].sort(),
    );
  });

  it('version, presets, render, dataset validate (no cluster)', async () => {
    expectShape('kaito version', json(await run(['version']), 'version'));
    const pl = json(await run(['presets', 'list']), 'presets list');
    expectShape('kaito presets list', pl);
    const show = shapes.get('kaito presets show')!;
    // every preset in the list is a preset document minus the sizing keys of `show`
    for (const p of pl.presets as Array<Record<string, unknown>>) for (const k of Object.keys(p)) expect([...show.required, ...show.optional]).toContain(k);
    expectShape('kaito presets show', json(await run(['presets', 'show', 'phi-3-mini-128k-instruct']), 'presets show'));
    expectShape('kaito render tune', json(await run(['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', 'https://example.com/d.parquet', '--output-pvc', 'adapters', '--instance-type', 'Standard_NV36ads_A10_v5', '--epochs', '1']), 'render tune'));
    expectShape('kaito render deploy', json(await run(['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--instance-type', 'Standard_NC24ads_A100_v4']), 'render deploy'));
    expectShape('kaito dataset validate', json(await run(['dataset', 'validate', DATASET]), 'dataset validate'));
    expectShape('kaito lint', json(await run(['lint', LINT_CLEAN]), 'lint'));
  });

  it('doctor', async () => {
    const d = json(await run(['doctor', '--instance-type', 'Standard_NV36ads_A10_v5']), 'doctor');
    expectShape('kaito doctor', d);
    for (const c of d.checks as Array<Record<string, unknown>>) for (const k of Object.keys(c)) expect(['group', 'id', 'title', 'status', 'detail', 'hint']).toContain(k);
  });

  it('tune --wait, wait, status, list', async () => {
    expectShape('kaito tune', json(await run(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'shape-t', '--dataset', dataset(), '--output-pvc', 'adapters', '--instance-type', 'Standard_NV36ads_A10_v5', '--epochs', '1', '--wait']), 'tune'));
    expectShape('kaito wait', json(await run(['wait', 'shape-t']), 'wait'));
    expectShape('kaito status', json(await run(['status', 'shape-t']), 'status'));
    const l = json(await run(['list']), 'list');
    expectShape('kaito list', l);
    const status = shapes.get('kaito status')!;
    for (const item of l.items as Array<Record<string, unknown>>) for (const k of Object.keys(item)) expect([...status.required, ...status.optional]).toContain(k);
  });

  it('deploy --wait, status of an inference workspace, chat', async () => {
    expectShape('kaito deploy', json(await run(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'shape-i', '--instance-type', 'Standard_NC24ads_A100_v4', '--wait']), 'deploy'));
    expectShape('kaito status', json(await run(['status', 'shape-i']), 'status (inference)'));
    expectShape('kaito chat', json(await run(['chat', '--workspace', 'shape-i', 'say hello']), 'chat'));
  });

  it('nodepool add, show, list, delete', async () => {
    expectShape('kaito nodepool add', json(await run(['nodepool', 'add', 'shapes', '--instance-type', 'Standard_NV36ads_A10_v5']), 'nodepool add'));
    expectShape('kaito nodepool show', json(await run(['nodepool', 'show', 'shapes']), 'nodepool show'));
    const l = json(await run(['nodepool', 'list']), 'nodepool list');
    expectShape('kaito nodepool list', l);
    const pool = shapes.get('kaito nodepool show')!;
    for (const p of l.items as Array<Record<string, unknown>>) for (const k of Object.keys(p)) expect([...pool.required, ...pool.optional]).toContain(k);
    expectShape('kaito nodepool delete', json(await run(['nodepool', 'delete', 'shapes']), 'nodepool delete'));
  });

  it('delete --wait', async () => {
    expectShape('kaito delete', json(await run(['delete', 'shape-t', '--wait']), 'delete'));
  });

  it('demo (its own throw-away sandbox)', async () => {
    const r = await kaito(['demo', '--speed', '1000', '-o', 'json'], { env: baseEnv({ HOME: sb.home, NO_COLOR: '1' }), timeoutMs: 150_000 });
    expectShape('kaito demo', json(r, 'demo'));
  }, 160_000);

  it('gc', async () => {
    const g = json(await run(['gc']), 'gc');
    expectShape('kaito gc', g);
  });

  it('dataset push, adapter pull, adapter inspect (a real docker-registry; issue 13)', async () => {
    const { startRegistry } = await import('../support/registry.js');
    const { ociLayout, pusherEntries, skopeoPush, tarOf } = await import('../support/adapter-image.js');
    const reg = await startRegistry();
    try {
      const env = baseEnv({ DOCKER_CONFIG: sb.home });
      expectShape('kaito dataset push', json(await kaito(['dataset', 'push', DATASET, `${reg.host}/shapes/data:v1`, '-o', 'json'], { env }), 'dataset push'));
      skopeoPush(ociLayout([await tarOf(pusherEntries())], { annotations: { 'sh.kaito.model.name': 'phi-3-mini-4k-instruct' } }), `${reg.host}/shapes/adapter:v1`);
      expectShape('kaito adapter pull', json(await kaito(['adapter', 'pull', `${reg.host}/shapes/adapter:v1`, join(sb.home, 'adapter-shape'), '-o', 'json'], { env }), 'adapter pull'));
      expectShape('kaito adapter inspect', json(await kaito(['adapter', 'inspect', `${reg.host}/shapes/adapter:v1`, '-o', 'json'], { env }), 'adapter inspect'));
    } finally {
      await reg.stop();
    }
  }, 120_000);

  it('every documented shape was compared with real output', () => {
    expect([...shapes.keys()].filter((c) => !checked.has(c))).toEqual([]);
  });
});
