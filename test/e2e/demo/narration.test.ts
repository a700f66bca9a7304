// The pieces of the demo's narration that do not need a sandbox: how children's output is indented when
// it arrives in arbitrary chunks from two streams, and how command lines are shown.
import { describe, expect, it } from 'vitest';
import { createPrefixedSink } from '../../../src/commands/demo/prefix.js';
import { commandLine, tuneStep } from '../../../src/commands/demo/plan.js';

const collect = () => {
  let text = '';
  const sink = createPrefixedSink((t) => (text += t), '| ');
  return { sink, text: () => text };
};

describe('prefixed output', () => {
  it('prefixes every line, also when lines arrive split across chunks (streamed tokens)', () => {
    const c = collect();
    for (const chunk of ['Hel', 'lo wor', 'ld\nsecond', ' line\n', '\n', 'third']) c.sink.write(chunk, 'out');
    c.sink.end();
    expect(c.text()).toBe('| Hello world\n| second line\n\n| third\n');
  });

  it('ends a half-written line when the other stream interrupts it', () => {
    const c = collect();
    c.sink.write('token tok', 'out');
    c.sink.write('warning: slow\n', 'err');
    c.sink.write('en\n', 'out');
    expect(c.text()).toBe('| token tok\n| warning: slow\n| en\n');
  });

  it('turns carriage-return redraws into lines of their own', () => {
    const c = collect();
    c.sink.write('10%\r20%\r\n', 'err');
    expect(c.text()).toBe('| 10%\n| 20%\n');
  });
});

describe('command lines', () => {
  it('quotes what a shell would split, and shows stdin as a pipe without the secret', () => {
    expect(commandLine(['chat', '--workspace', 'w', "What's up?"])).toBe(`kaito chat --workspace w 'What'\\''s up?'`);
    const t = tuneStep('./x.jsonl', 'registry.example:1/a/b:v1');
    expect(commandLine(t.args, t.stdinShown)).toMatch(/^printf %s "\$REGISTRY_PASSWORD" \| kaito tune .*--registry-password-stdin/);
  });
});
