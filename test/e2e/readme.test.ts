// The README's two commands are what .ci/run executes on a fresh clone; keep them the ones the project defines.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('README', () => {
  const commands = execFileSync(process.execPath, ['scripts/readme-commands.mjs'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

  it('gives two commands: set up + the demo, then the tests', () => {
    expect(commands).toEqual(['npm ci && npm run demo', 'npm test']);
  });

  it('the scripts they name exist and do what the README says', () => {
    expect(pkg.scripts.demo).toMatch(/build.*kaito\.js demo/);
    expect(pkg.scripts.test).toMatch(/build.*scripts\/test\.mjs/);
    // issue 16: the suite runs on the Node running it and again on Node 24
    const runner = readFileSync(`${root}/scripts/test.mjs`, 'utf8');
    expect(runner).toMatch(/vitest\.mjs'\), 'run'/);
    expect(runner).toMatch(/const NODE24 = '24\./);
  });

  it('.ci/run runs those commands from the README', () => {
    const ci = readFileSync(`${root}/.ci/run`, 'utf8');
    expect(ci).toContain('scripts/readme-commands.mjs');
  });
});
