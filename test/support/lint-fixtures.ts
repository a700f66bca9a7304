// kaito lint's rule fixtures (test/fixtures/lint/rules): a header line `# lint-expect: RULE @ "text"` says a finding
// of RULE starts where "text" first appears in the body (a plain string search, independent of the yaml parser);
// `# lint-args:` holds the flags (--kaito-version, --node-provisioning). Shared by the unit and the e2e tests.
import { fileURLToPath } from 'node:url';
import type { LintOptions } from '../../src/core/lint/index.js';
import type { KaitoRelease } from '../../src/core/presets.js';

export const LINT_RULE_FIXTURES = fileURLToPath(new URL('../fixtures/lint/rules/', import.meta.url));
export const LINT_EXAMPLES_V012 = fileURLToPath(new URL('../fixtures/lint/kaito-examples-v0.12.0/', import.meta.url));

export interface Expected { rule: string; line: number; column: number }

/** The expectations in a fixture's header, with positions from a string search. */
export function expectations(text: string): { expected: Expected[]; opts: LintOptions; args: string[] } {
  const lines = text.split('\n');
  const body = lines.findIndex((l) => !l.startsWith('#'));
  const expected: Expected[] = [];
  const opts: LintOptions = { release: '0.12' };
  const args: string[] = [];
  for (const l of lines.slice(0, body)) {
    const e = /^# lint-expect: (\S+) @ "(.*)"$/.exec(l);
    if (e) {
      const at = lines.findIndex((x, i) => i >= body && x.includes(e[2]));
      if (at < 0) throw new Error(`"${e[2]}" is not in the fixture`);
      expected.push({ rule: e[1], line: at + 1, column: lines[at].indexOf(e[2]) + 1 });
    }
    const a = /^# lint-args: (.*)$/.exec(l);
    if (a) {
      args.push(...a[1].split(' '));
      const v = /--kaito-version (\S+)/.exec(a[1]);
      if (v) opts.release = v[1] as KaitoRelease;
      const m = /--node-provisioning (nap|byo)/.exec(a[1]);
      if (m) opts.nodeProvisioning = m[1] as 'nap' | 'byo';
    }
  }
  return { expected, opts, args };
}

