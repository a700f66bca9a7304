// Prompts behind one small interface: the real one draws @inquirer/prompts on stderr (stdout stays data),
// the scripted one answers from a list so wizards are tested without a terminal. Validators return the
// problem as text (or undefined) — the same functions the flags and kaito.yaml are checked with — and a
// failed answer is asked again with that text under it.
import { InterruptedError } from '../errors.js';
import type { IOStreams } from './iostreams.js';

export interface Choice<T> {
  value: T;
  name: string;
  /** shown after the question once answered (default: name) */
  short?: string;
  /** shown under the list while this choice is highlighted */
  description?: string;
  /** a reason makes the choice visible but not selectable */
  disabled?: boolean | string;
}

export type AnswerCheck = (value: string) => string | undefined | Promise<string | undefined>;

export interface InputQuestion {
  message: string;
  default?: string;
  validate?: AnswerCheck;
}

export interface SelectQuestion<T> {
  message: string;
  choices: Choice<T>[];
  default?: T;
}

export interface ConfirmQuestion {
  message: string;
  default?: boolean;
}

export interface Prompter {
  /** Free text, trimmed; re-asked until validate passes. */
  input(q: InputQuestion): Promise<string>;
  select<T>(q: SelectQuestion<T>): Promise<T>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
}

/** The terminal prompter: @inquirer/prompts (loaded on first use) reading io.in and drawing on io.err. */
export function createTerminalPrompter(io: IOStreams, signal?: AbortSignal): Prompter {
  const context = () => ({ input: io.in, output: io.err, signal, clearPromptOnDone: false });
  const load = () => import('@inquirer/prompts');
  const guard = async <T>(p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (e) {
      // Ctrl-C inside a prompt (raw mode: no SIGINT reaches the process) or our signal aborting it
      const name = (e as Error)?.name;
      if (name === 'ExitPromptError' || name === 'AbortPromptError' || signal?.aborted) throw new InterruptedError();
      throw e;
    }
  };
  return {
    input: (q) =>
      guard(async () => {
        const { input } = await load();
        const answer = await input(
          {
            message: q.message,
            default: q.default,
            validate: async (raw: string) => {
              const v = raw.trim() === '' && q.default !== undefined ? q.default : raw.trim();
              return q.validate ? ((await q.validate(v)) ?? true) : true;
            },
          },
          context(),
        );
        return answer.trim();
      }),
    select: <T>(q: SelectQuestion<T>) =>
      guard(async () => {
        const { select } = await load();
        return (await select<T>(
          {
            message: q.message,
            choices: q.choices.map((c) => ({ value: c.value, name: c.name, short: c.short, description: c.description, disabled: c.disabled })),
            default: q.default,
            pageSize: 12,
          },
          context(),
        )) as T;
      }),
    confirm: (q) =>
      guard(async () => {
        const { confirm } = await load();
        return confirm({ message: q.message, default: q.default }, context());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Scripted prompter (tests, and anywhere answers come from data)

/** One scripted answer: the value, optionally with a pattern the question must match. */
export type ScriptedAnswer = string | boolean | { ask: RegExp; answer: string | boolean };

export interface TranscriptEntry {
  kind: 'input' | 'select' | 'confirm';
  message: string;
  default?: unknown;
  /** select: the names shown, disabled ones suffixed with " (disabled)" */
  choices?: string[];
  answer: unknown;
  /** the validator's message when the answer was refused (the question is then asked again) */
  error?: string;
}

export interface ScriptedPrompter extends Prompter {
  readonly transcript: TranscriptEntry[];
  /** answers not consumed */
  remaining(): number;
}

/**
 * Answers questions from a list, in order. An empty string takes the question's default; a select answer
 * names the choice by value or by name. A refused answer is logged with the validator's message and the
 * next answer is tried, like a user typing again. Running out of answers is an error naming the question.
 */
export function createScriptedPrompter(answers: ScriptedAnswer[]): ScriptedPrompter {
  const queue = [...answers];
  const transcript: TranscriptEntry[] = [];
  const next = (kind: TranscriptEntry['kind'], message: string): string | boolean => {
    const a = queue.shift();
    if (a === undefined) throw new Error(`scripted prompter: no answer left for ${kind} "${message}"`);
    if (typeof a === 'object') {
      if (!a.ask.test(message)) throw new Error(`scripted prompter: expected a question matching ${a.ask}, got ${kind} "${message}"`);
      return a.answer;
    }
    return a;
  };
  return {
    transcript,
    remaining: () => queue.length,
    async input(q) {
      for (;;) {
        const raw = next('input', q.message);
        if (typeof raw !== 'string') throw new Error(`scripted prompter: input "${q.message}" needs a string answer`);
        const value = raw.trim() === '' && q.default !== undefined ? q.default : raw.trim();
        const error = q.validate ? await q.validate(value) : undefined;
        transcript.push({ kind: 'input', message: q.message, default: q.default, answer: value, error });
        if (error === undefined) return value;
      }
    },
    async select<T>(q: SelectQuestion<T>) {
      for (;;) {
        const raw = next('select', q.message);
        const choices = q.choices.map((c) => c.name + (c.disabled ? ' (disabled)' : ''));
        const pick = raw === '' && q.default !== undefined ? q.choices.find((c) => c.value === q.default) : q.choices.find((c) => c.value === raw || c.name === raw);
        if (!pick) throw new Error(`scripted prompter: "${String(raw)}" is not a choice of "${q.message}": ${q.choices.map((c) => String(c.value)).join(', ')}`);
        const error = pick.disabled ? (typeof pick.disabled === 'string' ? pick.disabled : 'disabled') : undefined;
        transcript.push({ kind: 'select', message: q.message, default: q.default, choices, answer: pick.value, error });
        if (error === undefined) return pick.value;
      }
    },
    async confirm(q) {
      const raw = next('confirm', q.message);
      const value = raw === '' ? (q.default ?? false) : raw === true || raw === 'y' || raw === 'yes';
      transcript.push({ kind: 'confirm', message: q.message, default: q.default, answer: value });
      return value;
    },
  };
}
