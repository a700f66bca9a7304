// The -o formats and the one message for a format a command does not take (no heavy imports: def.ts files,
// loaded at start-up, declare their formats with src/cli/output.ts).
import { UsageError } from '../errors.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'text';

export function unknownOutputFormat(value: string, allowed: readonly OutputFormat[]): UsageError {
  return new UsageError(`unknown output format "${value}"`, `use -o ${allowed.join('|')}`);
}
