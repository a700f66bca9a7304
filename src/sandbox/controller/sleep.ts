// Emulated-time sleeps that end early (rejecting with an AbortError) when either the sandbox stops or the
// one task that owns them is cancelled (its pod deleted, its NodeClaim gone).
import type { SandboxContext } from '../context.js';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

export function realSleep(realMs: number, ...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signals.some((s) => s.aborted)) return reject(new Cancelled());
    const onAbort = () => {
      clearTimeout(t);
      reject(new Cancelled());
    };
    const t = setTimeout(() => {
      for (const s of signals) s.removeEventListener('abort', onAbort);
      resolve();
    }, realMs);
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleeps an emulated duration (divided by the sandbox speed). */
export function emuSleep(ctx: SandboxContext, emulatedMs: number, signal: AbortSignal): Promise<void> {
  return realSleep(ctx.clock.real(emulatedMs), ctx.signal, signal);
}

export function isCancel(e: unknown): boolean {
  return e instanceof Cancelled || (e instanceof Error && e.name === 'AbortError') || (e as { name?: string })?.name === 'AbortError';
}

/** Tasks keyed by object; starting a key again cancels the previous task. */
export class TaskSet {
  private readonly tasks = new Map<string, AbortController>();

  has(key: string): boolean {
    return this.tasks.has(key);
  }

  start(key: string, run: (signal: AbortSignal) => Promise<void>, onError: (e: unknown) => void): void {
    this.cancel(key);
    const ac = new AbortController();
    this.tasks.set(key, ac);
    run(ac.signal)
      .catch((e) => {
        if (!isCancel(e)) onError(e);
      })
      .finally(() => {
        if (this.tasks.get(key) === ac) this.tasks.delete(key);
      });
  }

  cancel(key: string): void {
    const ac = this.tasks.get(key);
    if (ac) {
      this.tasks.delete(key);
      ac.abort();
    }
  }

  cancelAll(): void {
    for (const k of [...this.tasks.keys()]) this.cancel(k);
  }
}
