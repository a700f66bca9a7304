// A real terminal for wizard tests: a detached tmux session on a private socket, keys sent with
// send-keys, the screen read with capture-pane. Every wait is bounded.
import { execFileSync } from 'node:child_process';

export function haveTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class TmuxSession {
  private readonly socket: string;
  private readonly name = 'kaito';

  constructor(command: string, opts: { width?: number; height?: number } = {}) {
    this.socket = `kaito-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // -f /dev/null: no user tmux.conf; remain-on-exit keeps the last screen after the command ends
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', this.name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 40), command]);
    this.tmux(['set-option', '-t', this.name, 'remain-on-exit', 'on']);
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name]);
  }

  /** Keys as tmux names them: text, 'Enter', 'Down', 'BSpace', 'C-u'. */
  send(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  type(text: string): void {
    this.tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** Waits until the screen matches; throws with the screen after timeoutMs. */
  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 1000; i++) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${re} on the screen:\n${this.screen()}`);
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      /* already gone */
    }
  }
}
