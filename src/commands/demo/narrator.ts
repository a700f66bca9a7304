// How the demo talks: numbered step headers, a few lines of why, the command line as typed, the child's
// output indented under it, and a result line. Everything goes to stderr; stdout is for -o json only.
import { formatDuration } from '../../core/duration.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { redact } from '../../ui/redact.js';
import { createPrefixedSink, type PrefixedSink, type StreamName } from './prefix.js';

export const OUTPUT_PREFIX = '  │ ';

export class Narrator {
  constructor(private readonly io: IOStreams) {}

  line(text = ''): void {
    this.io.err.write(redact(text) + '\n');
  }

  title(text: string): void {
    this.line(this.io.color.bold(text));
  }

  step(n: number, total: number, name: string, title: string, why: string[]): void {
    this.line();
    this.line(this.io.color.bold(`[${n}/${total}] ${name}`) + ` — ${title}`);
    for (const w of why) this.line(this.io.color.dim(`  ${w}`));
  }

  command(line: string): void {
    this.line(`  ${this.io.color.cyan('$ ' + line)}`);
  }

  ok(text: string, ms?: number): void {
    this.line(`  ${this.io.color.green('✓')} ${text}${ms === undefined ? '' : ` (${formatDuration(ms)})`}`);
  }

  fail(text: string, ms?: number): void {
    this.line(`  ${this.io.color.red('✗')} ${text}${ms === undefined ? '' : ` (${formatDuration(ms)})`}`);
  }

  note(text: string): void {
    this.line(`  ${text}`);
  }

  /**
   * A sink for one child's output. `stream` writes chunks as they come (chat tokens); otherwise only whole
   * lines are written, so two children running side by side never split each other's lines.
   */
  output(stream: boolean, prefix = OUTPUT_PREFIX): { write(chunk: string, from: StreamName): void; end(): void } {
    const sink: PrefixedSink = createPrefixedSink((t) => void this.io.err.write(redact(t)), this.io.color.dim(prefix));
    if (stream) return sink;
    const pending: Record<StreamName, string> = { out: '', err: '' };
    return {
      write(chunk, from) {
        const text = pending[from] + chunk;
        const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
        if (cut < 0) {
          pending[from] = text;
          return;
        }
        pending[from] = text.slice(cut + 1);
        sink.write(text.slice(0, cut + 1), from);
      },
      end() {
        for (const from of ['err', 'out'] as const) {
          if (pending[from] !== '') sink.write(pending[from] + '\n', from);
          pending[from] = '';
        }
        sink.end();
      },
    };
  }
}
