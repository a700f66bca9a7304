// A de-duplicating work queue: a key added several times before it is processed is handled once, and
// processing happens on a later turn of the event loop (store events fire synchronously inside writes,
// so handling them inline would re-enter the reconciler). addAfter() is the controller-runtime
// "requeue after" for things that are not event-driven; its timers die with stop().
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly handle: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  addAfter(key: string, realMs: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, realMs);
    this.timers.add(t);
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    // bounded per turn so a storm of events cannot starve the HTTP server
    let budget = 500;
    for (const key of this.pending) {
      if (budget-- <= 0) break;
      this.pending.delete(key);
      try {
        this.handle(key);
      } catch (e) {
        this.onError(key, e);
      }
    }
    if (this.pending.size && !this.scheduled && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
