// The Prompter: the terminal one over @inquirer/prompts (drawn on stderr, stdout untouched) and the
// scripted one the wizard tests use.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/errors.js';
import { createIOStreams } from '../../../src/ui/iostreams.js';
import { createScriptedPrompter, createTerminalPrompter } from '../../../src/ui/prompts.js';

function terminal() {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => unknown };
  stdin.isTTY = true;
  stdin.setRawMode = () => stdin;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  // inquirer ends its output pipe after each prompt; process.stderr ignores that, so must this one
  stderr.end = (() => stderr) as typeof stderr.end;
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const io = createIOStreams({ stdin, stdout, stderr, env: {} });
  const plain = () => err.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  /** waits (bounded) until stderr shows the pattern */
  const shows = async (re: RegExp) => {
    for (let i = 0; i < 200; i++) {
      if (re.test(plain())) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`stderr never showed ${re}:\n${plain()}`);
  };
  return { io, stdin, shows, stdout: () => out, stderr: plain };
}

describe('terminal prompter', () => {
  it('draws on stderr, re-asks with the validator message, and returns the trimmed answer', async () => {
    const t = terminal();
    const p = createTerminalPrompter(t.io);
    const answer = p.input({ message: 'Namespace', validate: (v) => (/^[a-z]+$/.test(v) ? undefined : 'lower-case letters only') });
    await t.shows(/\? Namespace/);
    t.stdin.write('Bad1\r');
    await t.shows(/lower-case letters only/);
    for (let i = 0; i < 4; i++) t.stdin.write('\u007f');
    t.stdin.write('  tuning  \r');
    expect(await answer).toBe('tuning');
    expect(t.stdout()).toBe('');
  });

  it('an empty answer takes the default, which is validated too', async () => {
    const t = terminal();
    const p = createTerminalPrompter(t.io);
    const answer = p.input({ message: 'Namespace', default: 'ml', validate: (v) => (v === 'ml' ? undefined : 'no') });
    await t.shows(/Namespace \(ml\)/);
    t.stdin.write('\r');
    expect(await answer).toBe('ml');
  });

  it('select moves with the arrow keys; confirm reads y/n', async () => {
    const t = terminal();
    const p = createTerminalPrompter(t.io);
    const pick = p.select({ message: 'Method', choices: [{ value: 'qlora', name: 'qlora' }, { value: 'lora', name: 'lora' }], default: 'qlora' });
    await t.shows(/❯ qlora/);
    t.stdin.write('\u001b[B');
    await t.shows(/❯ lora/);
    t.stdin.write('\r');
    expect(await pick).toBe('lora');
    const ok = p.confirm({ message: 'Overwrite?', default: false });
    await t.shows(/Overwrite\? \(y\/N\)/);
    t.stdin.write('y\r');
    expect(await ok).toBe(true);
  });

  it('Ctrl-C in a prompt is an interruption (exit 130), not a bug', async () => {
    const t = terminal();
    const p = createTerminalPrompter(t.io);
    const answer = p.input({ message: 'Dataset URL' });
    await t.shows(/Dataset URL/);
    t.stdin.write('\u0003');
    const e = await answer.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect((e as InterruptedError).exitCode).toBe(130);
  });

  it('the abort signal (SIGINT outside raw mode) cancels the prompt', async () => {
    const t = terminal();
    const ac = new AbortController();
    const p = createTerminalPrompter(t.io, ac.signal);
    const answer = p.input({ message: 'Dataset URL' });
    await t.shows(/Dataset URL/);
    ac.abort();
    expect(await answer.catch((x: unknown) => x)).toBeInstanceOf(InterruptedError);
  });
});

describe('scripted prompter', () => {
  it('answers in order, takes defaults for empty answers and logs refused ones', async () => {
    const p = createScriptedPrompter(['x', 'ok', '', { ask: /Method/, answer: 'lora' }, 'y']);
    expect(await p.input({ message: 'A', validate: (v) => (v === 'ok' ? undefined : 'say ok') })).toBe('ok');
    expect(await p.input({ message: 'B', default: 'dflt' })).toBe('dflt');
    expect(await p.select({ message: 'Method', choices: [{ value: 'lora', name: 'LoRA' }] })).toBe('lora');
    expect(await p.confirm({ message: 'Sure?' })).toBe(true);
    expect(p.transcript.map((e) => [e.message, e.answer, e.error])).toEqual([
      ['A', 'x', 'say ok'],
      ['A', 'ok', undefined],
      ['B', 'dflt', undefined],
      ['Method', 'lora', undefined],
      ['Sure?', true, undefined],
    ]);
    expect(p.remaining()).toBe(0);
  });

  it('fails loudly on an unexpected question, an unknown choice or a missing answer', async () => {
    await expect(createScriptedPrompter([{ ask: /Preset/, answer: 'x' }]).input({ message: 'Namespace' })).rejects.toThrow(/expected a question matching \/Preset\//);
    await expect(createScriptedPrompter(['nope']).select({ message: 'M', choices: [{ value: 'a', name: 'A' }] })).rejects.toThrow(/"nope" is not a choice of "M"/);
    await expect(createScriptedPrompter([]).input({ message: 'Namespace' })).rejects.toThrow(/no answer left for input "Namespace"/);
  });

  it('a disabled choice is refused with its reason and asked again', async () => {
    const p = createScriptedPrompter(['small', 'big']);
    const v = await p.select({ message: 'SKU', choices: [{ value: 'small', name: 'small', disabled: 'too little memory' }, { value: 'big', name: 'big' }] });
    expect(v).toBe('big');
    expect(p.transcript[0]).toMatchObject({ answer: 'small', error: 'too little memory', choices: ['small (disabled)', 'big'] });
  });
});
