// docs/architecture.md's import rules, checked on every src/**/*.ts (tests excluded), and the checker itself
// shown to catch each kind of break on small in-memory examples.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, constructorCallsOf, importsOf, type RuleId, type Source } from './architecture-rules.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push({ path: relative(repo, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(join(repo, 'src'));
  return out;
}

describe('the source tree keeps the import rules (docs/architecture.md)', () => {
  const files = sources();
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => f.path === 'src/cli/factory.ts')).toBe(true);
  });
  it('no rule is broken', () => {
    const broken = checkArchitecture(files).map((v) => `${v.file}:${v.line} [${v.rule}] ${v.detail}`);
    expect(broken).toEqual([]);
  });
});

/** The rules one in-memory file breaks. */
const rulesBrokenBy = (path: string, text: string): RuleId[] => [...new Set(checkArchitecture([{ path, text }]).map((v) => v.rule))];

describe('the checker', () => {
  it('finds static, re-exported, dynamic and type-only imports', () => {
    const text = `import a from './a.js';\nimport type { B } from '../b.js';\nexport { c } from './c.js';\nexport * from './d.js';\nconst e = await import('./e.js');\ntype F = typeof import('./f.js');\n// import g from './g.js'\nconst s = "import('./h.js')";\n`;
    expect(importsOf(text).map((r) => r.spec)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js']);
  });

  it('a command constructing a client', () => {
    expect(rulesBrokenBy('src/commands/list/list.ts', `import { KubeClient } from '../../kube/client.js';\nexport const k = KubeClient.fromTarget({}, {});\n`)).toEqual(['commands-construct-no-clients']);
    expect(rulesBrokenBy('src/commands/adapter/pull.ts', `const c = new RegistryClient(ref, {});\n`)).toEqual(['commands-construct-no-clients']);
    expect(rulesBrokenBy('src/commands/nodepool/list.ts', `const p = await NodePools.open(session, input);\n`)).toEqual(['commands-construct-no-clients']);
    expect(rulesBrokenBy('src/commands/gc/gc.ts', `const ok = await createTerminalPrompter(io).confirm({ message: 'x' });\n`)).toEqual(['commands-construct-no-clients']);
    // asking the context is fine, and so is the name in a comment or a string
    expect(rulesBrokenBy('src/commands/list/list.ts', `// new KubeClient(...) is the factory's\nconst k = await ctx.kube();\nconst s = 'new RegistryClient';\n`)).toEqual([]);
    expect(constructorCallsOf(`const a = new KubeClient(x);\nconst b = kubeFromContext(ctx);\n`).map((c) => c.line)).toEqual([1, 2]);
  });

  it('a command writing its -o formats inline instead of declaring them in def.ts', () => {
    expect(rulesBrokenBy('src/commands/list/list.ts', `const f = parseOutputFormat(ctx.globals.output, ['table', 'json'], 'table');\n`)).toEqual(['output-formats-declared']);
    expect(rulesBrokenBy('src/commands/list/list.ts', `const f = parseOutputFormat(ctx.globals.output, OUTPUT.list, 'table');\n`)).toEqual([]);
  });

  it('a port importing the CLI', () => {
    expect(rulesBrokenBy('src/kube/resolve.ts', `import type { CommandContext } from '../cli/context.js';\n`)).toEqual(['ports-know-no-cli']);
    expect(rulesBrokenBy('src/azure/workspaces.ts', `const m = await import('../commands/tune/nodepool.js');\n`)).toEqual(['ports-know-no-cli']);
    expect(rulesBrokenBy('src/inference/connect.ts', `export { x } from '../commands/shared/x.js';\n`)).toEqual(['ports-know-no-cli']);
    expect(rulesBrokenBy('src/registry/client.ts', `import { InterruptedError } from '../errors.js';\nimport type { KubeClient } from '../kube/client.js';\n`)).toEqual([]);
  });

  it('core importing I/O, the CLI errors, config or anything outside core', () => {
    expect(rulesBrokenBy('src/core/templates.ts', `import { readFileSync } from 'node:fs';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/x.ts', `import { readFile } from 'fs/promises';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/kaito-webhook.ts', `import { BlockList } from 'node:net';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/x.ts', `import { request } from 'undici';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/x.ts', `const cp = await import('node:child_process');\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/render/flags.ts', `import { UsageError } from '../../errors.js';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/render/flags.ts', `import type { ProjectConfig } from '../../config/project.js';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/presets.ts', `import { presetsDir } from '../paths.js';\n`)).toEqual(['core-is-pure']);
    expect(rulesBrokenBy('src/core/render/tuning.ts', `import { createHash } from 'node:crypto';\nimport { join } from 'node:path';\nimport { fit } from '../fit.js';\n`)).toEqual([]);
  });

  it('the sandbox loaded outside its commands', () => {
    expect(rulesBrokenBy('src/commands/tune/tune.ts', `const { startSandbox } = await import('../../sandbox/index.js');\n`)).toEqual(['sandbox-stays-behind-its-commands']);
    expect(rulesBrokenBy('src/kube/client.ts', `import type { Store } from '../sandbox/kube/store.js';\n`)).toEqual(['sandbox-stays-behind-its-commands']);
    expect(rulesBrokenBy('src/commands/demo/demo.ts', `const { startSandbox } = await import('../../sandbox/index.js');\n`)).toEqual([]);
    expect(rulesBrokenBy('src/commands/sandbox/start.ts', `import { parseFaults } from '../../sandbox/context.js';\n`)).toEqual([]);
    expect(rulesBrokenBy('src/sandbox/index.ts', `import { x } from './kube/server.js';\n`)).toEqual([]);
  });

  it('commands/shared reaching into one command', () => {
    expect(rulesBrokenBy('src/commands/shared/submit.ts', `import { nodepoolVmSize } from '../tune/nodepool.js';\n`)).toEqual(['shared-knows-no-command']);
    expect(rulesBrokenBy('src/commands/shared/submit.ts', `import { x } from './estimate.js';\n`)).toEqual([]);
  });
});
