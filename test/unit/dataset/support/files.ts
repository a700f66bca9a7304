// Bad-file fixtures are generated per test into a temp dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { messagesParquet as writeMessagesParquet } from '../../../../scripts/parquet-messages.mjs';

export function tempDir(): { dir: string; file(name: string, data: string | Buffer | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-ds-'));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const jsonl = (...records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

export const chat = (...turns: Array<[string, unknown]>) => ({ messages: turns.map(([role, content]) => ({ role, content })) });

export const GOOD = chat(['user', 'How do I list workspaces?'], ['assistant', 'kubectl get workspaces']);

/** messages records (role/content strings or null) as parquet */
export function messagesParquet(rows: Array<{ messages: Array<{ role: string | null; content: string | null }> | null }>, rowGroupSize = 1000): Uint8Array {
  return writeMessagesParquet(rows.map((r) => r.messages), { rowGroupSize });
}

export function promptCompletionParquet(rows: Array<{ prompt: string | null; completion: string | null }>): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'prompt', data: rows.map((r) => r.prompt), type: 'STRING' },
        { name: 'completion', data: rows.map((r) => r.completion), type: 'STRING' },
      ],
    }),
  );
}
