// Streams a child's stdout and stderr through to the user, each line indented under the step it belongs
// to. Chunks are written as they arrive (chat tokens appear one by one), so the prefix is written lazily at
// the start of each line; when the other stream interrupts a half-written line, that line is ended first.

export type StreamName = 'out' | 'err';

export interface PrefixedSink {
  write(chunk: string, from: StreamName): void;
  /** ends a half-written line */
  end(): void;
}

export function createPrefixedSink(write: (text: string) => void, prefix: string): PrefixedSink {
  let atLineStart = true;
  let last: StreamName | undefined;
  return {
    write(chunk, from) {
      if (chunk === '') return;
      if (!atLineStart && last !== undefined && last !== from) {
        write('\n');
        atLineStart = true;
      }
      last = from;
      // a bare carriage return redraws a line on a terminal; here each redraw becomes a line of its own
      const text = chunk.replace(/\r(?!\n)/g, '\n').replace(/\r\n/g, '\n');
      let out = '';
      for (const piece of text.split(/(\n)/)) {
        if (piece === '') continue;
        if (piece === '\n') {
          out += '\n';
          atLineStart = true;
          continue;
        }
        if (atLineStart) out += prefix;
        out += piece;
        atLineStart = false;
      }
      write(out);
    },
    end() {
      if (!atLineStart) write('\n');
      atLineStart = true;
      last = undefined;
    },
  };
}
