// The interactive `kaito chat` on a terminal. Prompts and messages go to stderr, answers to stdout, so
// `kaito chat > answers.txt` keeps only the model's words. Ctrl-C while an answer streams cancels that
// request and returns to the prompt; Ctrl-C at the prompt, Ctrl-D or /exit leave with exit code 0.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InterruptedError, isKaitoError } from '../errors.js';
import { redact } from '../ui/redact.js';
import { paramKey, parseParam, PARAM_NAMES } from './params.js';
import type { ChatSession } from './session.js';

export interface ReplIO {
  input: Readable;
  /** answers */
  out: Writable;
  /** prompt and messages */
  err: Writable;
  /** raw-mode line editing (a real TTY); false for tests with plain streams */
  terminal: boolean;
  dim?: (s: string) => string;
}

export const REPL_HELP = `commands:
  /help                 this list
  /exit                 leave (also Ctrl-D, or Ctrl-C at the prompt)
  /clear                forget the conversation (the system prompt stays)
  /model [M]            show the model and what is served, or switch to M
  /system [TEXT]        show the system prompt, or set it; "/system -" removes it
  /set KEY VALUE        temperature (0-2), max_tokens (>= 1), top_p (0-1]
  /save FILE            write the conversation as JSON
Ctrl-C while an answer streams cancels it.`;

/** Runs the REPL until the user leaves; resolves the exit code (0), rejects on Ctrl-C from the outside. */
export function runRepl(session: ChatSession, io: ReplIO, header: string, signal: AbortSignal): Promise<number> {
  const dim = io.dim ?? ((s: string) => s);
  const say = (s: string) => void io.err.write(s + '\n');
  const rl = createInterface({ input: io.input, output: io.err, terminal: io.terminal, historySize: 200, prompt: '> ' });
  let busy: AbortController | undefined;
  const queue: string[] = [];
  let closed = false;

  return new Promise<number>((resolve, reject) => {
    const finish = (code: number | Error) => {
      if (closed) return;
      closed = true;
      signal.removeEventListener('abort', onOuterAbort);
      busy?.abort();
      rl.close();
      if (code instanceof Error) reject(code);
      else resolve(code);
    };
    const onOuterAbort = () => finish(new InterruptedError());
    signal.addEventListener('abort', onOuterAbort, { once: true });

    rl.on('SIGINT', () => {
      if (busy) {
        busy.abort();
        return;
      }
      io.err.write('\n');
      finish(0);
    });
    rl.on('close', () => {
      if (busy) busy.abort();
      if (!closed) {
        io.err.write('\n');
        finish(0);
      }
    });
    rl.on('line', (line) => {
      queue.push(line);
      if (!busy) void pump();
    });

    async function pump(): Promise<void> {
      while (queue.length > 0 && !closed) {
        const line = queue.shift()!.trim();
        if (line === '') continue;
        if (line.startsWith('/')) {
          if (command(line) === 'exit') return finish(0);
          continue;
        }
        await turn(line);
      }
      if (!closed) rl.prompt();
    }

    async function turn(text: string): Promise<void> {
      const ac = new AbortController();
      busy = ac;
      let wrote = '';
      try {
        const result = await session.ask(text, (t) => {
          wrote += t;
          io.out.write(t);
        }, ac.signal);
        if (!wrote.endsWith('\n')) io.out.write('\n');
        if (result.content === '') say(dim('(the model returned an empty answer)'));
      } catch (e) {
        if (wrote !== '' && !wrote.endsWith('\n')) io.out.write('\n');
        if (ac.signal.aborted) say(dim('(cancelled)'));
        else say(`error: ${redact(isKaitoError(e) ? e.message + (e.hint ? `\n  ${e.hint}` : '') : (e as Error).message)}`);
      } finally {
        busy = undefined;
      }
    }

    /** Runs a /command; returns 'exit' to leave. */
    function command(line: string): 'exit' | undefined {
      const [cmd, ...rest] = line.split(/\s+/);
      const arg = line.slice(cmd.length).trim();
      switch (cmd) {
        case '/exit':
        case '/quit':
          return 'exit';
        case '/help':
          say(REPL_HELP);
          return;
        case '/clear':
          session.history = [];
          say('conversation cleared');
          return;
        case '/model': {
          if (!arg) {
            const served = session.models.map((m) => m.id);
            say(`model: ${session.model}${served.length ? ` (served: ${served.join(', ')})` : ''}`);
            return;
          }
          if (session.models.length > 0 && !session.models.some((m) => m.id === arg)) {
            say(`error: model "${arg}" is not served; use one of: ${session.models.map((m) => m.id).join(', ')}`);
            return;
          }
          session.model = arg;
          say(`model: ${arg}`);
          return;
        }
        case '/system':
          if (!arg) say(session.system ? `system: ${session.system}` : 'no system prompt');
          else if (arg === '-') {
            session.system = undefined;
            say('system prompt removed');
          } else {
            session.system = arg;
            say('system prompt set');
          }
          return;
        case '/set': {
          const [name, value] = rest;
          const key = name ? paramKey(name) : undefined;
          if (!key || value === undefined) {
            say(`usage: /set KEY VALUE (KEY: ${PARAM_NAMES.join(', ')}); now: ${JSON.stringify(session.params)}`);
            return;
          }
          const v = parseParam(key, value);
          if (typeof v === 'string') say(`error: ${v}`);
          else {
            session.params = { ...session.params, [key]: v };
            say(`${key} = ${v}`);
          }
          return;
        }
        case '/save': {
          if (!arg) {
            say('usage: /save FILE');
            return;
          }
          try {
            writeFileSync(arg, JSON.stringify(session.toJSON(), null, 2) + '\n');
            say(`saved ${session.messages().length} messages to ${arg}`);
          } catch (e) {
            say(`error: cannot write ${arg}: ${(e as Error).message}`);
          }
          return;
        }
        default:
          say(`unknown command ${cmd}; /help lists them`);
      }
    }

    say(header);
    say(dim('/help for commands, Ctrl-D to leave'));
    rl.prompt();
  });
}
