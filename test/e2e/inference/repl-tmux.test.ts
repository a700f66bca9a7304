// The chat REPL on a real terminal (tmux): history is sent every turn, REPL commands, Ctrl-C during a
// stream cancels only that request, Ctrl-C at the prompt leaves with exit code 0, Ctrl-D too.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, KAITO_BIN } from '../../support/cli.js';
import { startFake, type FakeServer } from './fake-openai.js';
import { Tmux } from './tmux.js';

const hasTmux = existsSync('/usr/bin/tmux');

describe.runIf(hasTmux)('kaito chat REPL in a real terminal', () => {
  let fake: FakeServer;
  let term: Tmux | undefined;
  beforeAll(async () => {
    fake = await startFake({
      models: [{ id: 'base-model', parent: null }, { id: 'other-model', parent: null }],
      tokenDelayMs: 60,
      answer: (msgs) => {
        const users = msgs.filter((m) => m.role === 'user');
        const last = users.at(-1)?.content ?? '';
        if (last.includes('slow')) return Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
        return `ANSWER ${users.length} to ${last}.`;
      },
    });
  });
  afterAll(() => fake.close());
  afterEach(() => term?.kill());

  const chatRequests = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');

  it('keeps history, runs /commands, cancels a stream with Ctrl-C and leaves with Ctrl-C at the prompt (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-repl-'));
    const saved = join(dir, 'conv.json');
    term = new Tmux();
    term.start(`node ${KAITO_BIN} chat --endpoint ${fake.url} --system 'be nice'`, baseEnv({ TERM: 'xterm', NO_COLOR: '1' }));
    await term.waitFor(/chatting with base-model[\s\S]*> $/m);

    term.line('first question');
    await term.waitFor(/ANSWER 1 to first question\./);

    // Ctrl-C while the long answer streams: the request is cancelled, the REPL stays
    const before = chatRequests().length;
    term.line('a slow one');
    await term.waitFor(/word3 /);
    term.keys('C-c');
    await term.waitFor(/\(cancelled\)\n> $/m);
    const cancelled = chatRequests()[before];
    for (let i = 0; i < 100 && !cancelled.aborted; i++) await new Promise((r) => setTimeout(r, 50));
    expect(cancelled.aborted).toBe(true);

    // the cancelled turn is not part of the history; the finished one is
    term.line('second question');
    await term.waitFor(/ANSWER 2 to second question\./);
    const last = chatRequests().at(-1)!;
    expect(last.body.messages).toEqual([
      { role: 'system', content: 'be nice' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'ANSWER 1 to first question.' },
      { role: 'user', content: 'second question' },
    ]);

    term.line('/set temperature 0.3');
    await term.waitFor(/temperature = 0\.3/);
    term.line('/model other-model');
    await term.waitFor(/model: other-model/);
    term.line('/model nope');
    await term.waitFor(/model "nope" is not served/);
    term.line('/system talk like a pirate');
    await term.waitFor(/system prompt set/);
    term.line('third');
    await term.waitFor(/ANSWER 3 to third\./);
    expect(chatRequests().at(-1)!.body).toMatchObject({ model: 'other-model', temperature: 0.3, messages: expect.arrayContaining([{ role: 'system', content: 'talk like a pirate' }]) });

    term.line(`/save ${saved}`);
    await term.waitFor(/saved 7 messages/);
    const conv = JSON.parse(readFileSync(saved, 'utf8'));
    expect(conv.model).toBe('other-model');
    expect(conv.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);

    term.line('/clear');
    await term.waitFor(/conversation cleared/);
    term.line('fresh');
    await term.waitFor(/ANSWER 1 to fresh\./);

    term.line('/help');
    await term.waitFor(/\/save FILE/);

    // Ctrl-C at an empty prompt: leave, exit 0
    term.keys('C-c');
    await term.waitFor(/EXIT=0/);
  }, 90_000);

  it('Ctrl-D at the prompt leaves with exit 0', async () => {
    term = new Tmux();
    term.start(`node ${KAITO_BIN} chat --endpoint ${fake.url}`, baseEnv({ TERM: 'xterm', NO_COLOR: '1' }));
    await term.waitFor(/> $/m);
    term.keys('C-d');
    await term.waitFor(/EXIT=0/);
  }, 60_000);

  it('/exit leaves with exit 0', async () => {
    term = new Tmux();
    term.start(`node ${KAITO_BIN} chat --endpoint ${fake.url}`, baseEnv({ TERM: 'xterm', NO_COLOR: '1' }));
    await term.waitFor(/> $/m);
    term.line('/exit');
    await term.waitFor(/EXIT=0/);
  }, 60_000);
});
