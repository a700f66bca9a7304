// The one door to the terminal: data goes to `out`, everything meant for humans to `err`.
// Commands never touch process.stdout/stderr directly, so tests can inject plain streams.
import type { Readable, Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';

export interface IOStreams {
  readonly in: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly out: Writable & { isTTY?: boolean; columns?: number };
  readonly err: Writable & { isTTY?: boolean; columns?: number };
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colours on stderr (and stdout when it is a TTY). */
  readonly color: ChalkInstance;
  readonly colorEnabled: boolean;
  /** true when prompts may be shown: stdin and stderr are TTYs, no --no-input, no CI. */
  readonly canPrompt: boolean;
  /** true when a spinner/live line may be drawn on stderr (TTY with a width, not CI). */
  readonly canAnimate: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** the directory relative paths (kaito.yaml, -f, --logs-dir) are resolved against: process.cwd() unless run() was given one */
  readonly cwd: string;
  /** Writes a human line to stderr. */
  info(line: string): void;
  warn(line: string): void;
  /** Writes data to stdout. */
  print(text: string): void;
}

export interface IOStreamsOptions {
  stdin?: IOStreams['in'];
  stdout?: IOStreams['out'];
  stderr?: IOStreams['err'];
  env?: NodeJS.ProcessEnv;
  noColor?: boolean;
  noInput?: boolean;
  /** default process.cwd() */
  cwd?: string;
  /** TTY facts for injected streams (in-process tests): set on the streams themselves, so every reader sees them */
  tty?: TtyFacts;
}

export interface TtyFacts {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** terminal width of stdout and stderr when they are TTYs */
  columns?: number;
}

export function createIOStreams(opts: IOStreamsOptions = {}): IOStreams {
  const env = opts.env ?? process.env;
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  // a reader that goes away (`kaito logs ws | head -1`) ends the command quietly, like git or kubectl, instead of an
  // unhandled EPIPE with a stack trace; only the process's own streams (tests inject theirs)
  if (!opts.stdout) quietOnClosedPipe(stdout as NodeJS.WriteStream);
  if (!opts.stderr) quietOnClosedPipe(stderr as NodeJS.WriteStream);
  if (opts.tty) applyTtyFacts(opts.tty, { stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr });
  const stdinIsTTY = Boolean(stdin.isTTY);
  const stdoutIsTTY = Boolean(stdout.isTTY);
  const stderrIsTTY = Boolean(stderr.isTTY);
  const ci = isTruthyEnv(env.CI);
  const colorEnabled =
    !opts.noColor && env.NO_COLOR === undefined && stderrIsTTY && env.TERM !== 'dumb';
  const color = new Chalk({ level: colorEnabled ? 1 : 0 });
  const canPrompt = stdinIsTTY && stderrIsTTY && !opts.noInput && !ci;
  const canAnimate = stderrIsTTY && (stderr.columns ?? 0) > 0 && !ci && env.TERM !== 'dumb';
  return {
    in: stdin,
    out: stdout,
    err: stderr,
    stdinIsTTY,
    stdoutIsTTY,
    stderrIsTTY,
    color,
    colorEnabled,
    canPrompt,
    canAnimate,
    env,
    cwd: opts.cwd ?? process.cwd(),
    info: (line) => void stderr.write(line + '\n'),
    warn: (line) => void stderr.write(color.yellow('warning: ') + line + '\n'),
    print: (text) => void stdout.write(text),
  };
}

// only streams the caller injected: the process's own streams keep what the terminal says
function applyTtyFacts(tty: TtyFacts, s: { stdin?: IOStreams['in']; stdout?: IOStreams['out']; stderr?: IOStreams['err'] }): void {
  const set = (stream: { isTTY?: boolean; columns?: number } | undefined, isTTY: boolean | undefined, withColumns: boolean) => {
    if (!stream || isTTY === undefined) return;
    stream.isTTY = isTTY;
    if (withColumns && isTTY && tty.columns !== undefined) stream.columns = tty.columns;
  };
  set(s.stdin, tty.stdin, false);
  set(s.stdout, tty.stdout, true);
  set(s.stderr, tty.stderr, true);
}

const guarded = new WeakSet<object>();
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw e;
  });
}

export function isTruthyEnv(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
