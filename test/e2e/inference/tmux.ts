// Drives a real terminal with tmux (send-keys / capture-pane) so the REPL runs on an actual TTY:
// raw mode, Ctrl-C as a key, line editing. Each session lives on its own tmux server socket.
import { execFileSync } from 'node:child_process';

export class Tmux {
  private readonly socket = `kaito-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(private readonly session = 't') {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /** Starts `command` (a shell line) in a 160x40 terminal. */
  start(command: string, env: NodeJS.ProcessEnv): void {
    const exports = Object.entries(env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${shellQuote(v!)}`)
      .join(' ');
    this.tmux('new-session', '-d', '-s', this.session, '-x', '160', '-y', '40', `env -i ${exports} bash --norc --noprofile -c ${shellQuote(command + '; echo "EXIT=$?"; sleep 30')}`);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  /** Types text literally, then Enter. */
  line(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
    this.tmux('send-keys', '-t', this.session, 'Enter');
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', this.session, '-S', '-200');
  }

  /** Polls the screen until it matches (bounded). */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} on screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
