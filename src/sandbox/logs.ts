// Container logs of the emulated pods: the controller appends lines, the kube API's pods/log serves
// them (tailLines, sinceSeconds, follow, previous after a restart).
export interface LogLine { time: number; text: string }

interface ContainerLog { lines: LogLine[]; previous: LogLine[]; followers: Set<(l: LogLine) => void>; ended: Set<() => void> }

export class PodLogs {
  private readonly logs = new Map<string, ContainerLog>();
  private readonly maxLines: number;

  constructor(maxLines = 20000) {
    this.maxLines = maxLines;
  }

  private entry(ns: string, pod: string, container: string): ContainerLog {
    const k = `${ns}/${pod}/${container}`;
    let e = this.logs.get(k);
    if (!e) this.logs.set(k, (e = { lines: [], previous: [], followers: new Set(), ended: new Set() }));
    return e;
  }

  has(ns: string, pod: string, container: string): boolean {
    return this.logs.has(`${ns}/${pod}/${container}`);
  }

  append(ns: string, pod: string, container: string, text: string, time = Date.now()): void {
    const e = this.entry(ns, pod, container);
    for (const t of text.split('\n')) {
      const l = { time, text: t };
      e.lines.push(l);
      for (const f of e.followers) f(l);
    }
    if (e.lines.length > this.maxLines) e.lines.splice(0, e.lines.length - this.maxLines);
  }

  /** A container restarted: current lines become `previous`. */
  restart(ns: string, pod: string, container: string): void {
    const e = this.entry(ns, pod, container);
    e.previous = e.lines;
    e.lines = [];
  }

  read(ns: string, pod: string, container: string, opts: { tailLines?: number; sinceSeconds?: number; previous?: boolean; now?: number } = {}): LogLine[] {
    const e = this.logs.get(`${ns}/${pod}/${container}`);
    if (!e) return [];
    let lines = opts.previous ? e.previous : e.lines;
    if (opts.sinceSeconds !== undefined) {
      const cut = (opts.now ?? Date.now()) - opts.sinceSeconds * 1000;
      lines = lines.filter((l) => l.time >= cut);
    }
    if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
    return lines;
  }

  /** New lines as they come; `onEnd` when the container terminates or the pod is deleted. */
  follow(ns: string, pod: string, container: string, onLine: (l: LogLine) => void, onEnd: () => void): () => void {
    const e = this.entry(ns, pod, container);
    e.followers.add(onLine);
    e.ended.add(onEnd);
    return () => {
      e.followers.delete(onLine);
      e.ended.delete(onEnd);
    };
  }

  /** The container stopped: followers' streams end. */
  end(ns: string, pod: string, container: string): void {
    const e = this.logs.get(`${ns}/${pod}/${container}`);
    if (!e) return;
    for (const f of [...e.ended]) f();
    e.followers.clear();
    e.ended.clear();
  }

  /** The pod was deleted. */
  removePod(ns: string, pod: string): void {
    for (const k of [...this.logs.keys()]) {
      if (k.startsWith(`${ns}/${pod}/`)) {
        const [, , c] = k.split('/');
        this.end(ns, pod, c);
        this.logs.delete(k);
      }
    }
  }
}
