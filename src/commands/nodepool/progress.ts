// Phase reporting for long-running ARM operations: one live line (ora) on an interactive terminal,
// one plain line per phase change otherwise (CI logs, pipes).
import type { IOStreams } from '../../ui/iostreams.js';

export interface Phases {
  phase(text: string): void;
  succeed(text: string): void;
  fail(): void;
}

export async function startPhases(io: IOStreams): Promise<Phases> {
  if (!io.canAnimate) {
    let last = '';
    return {
      phase(text) {
        if (text !== last) io.info(text);
        last = text;
      },
      succeed: (text) => io.info(io.color.green('✓ ') + text),
      fail() {},
    };
  }
  const { default: ora } = await import('ora');
  const spinner = ora({ stream: io.err, text: '' }).start();
  const started = Date.now();
  let current = '';
  const tick = setInterval(() => {
    spinner.text = `${current} ${io.color.dim(elapsed(Date.now() - started))}`;
  }, 1000);
  tick.unref();
  return {
    phase(text) {
      current = text;
      spinner.text = `${current} ${io.color.dim(elapsed(Date.now() - started))}`;
    },
    succeed(text) {
      clearInterval(tick);
      spinner.succeed(text);
    },
    fail() {
      clearInterval(tick);
      spinner.stop();
    },
  };
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
