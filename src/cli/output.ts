// Output formats are declared per command folder in src/commands/output-formats.ts (its def.ts and its run() read
// them): help lists them, and a -o the command does not take is refused before the command is loaded (exit 2):
//   .addHelpText('after', outputHelp(OUTPUT.list)).hook('preAction', refuseOtherOutput(OUTPUT.list))
import type { Command } from 'commander';
import { unknownOutputFormat, type OutputFormat } from '../ui/output-format.js';

export function outputHelp(formats: readonly OutputFormat[]): string {
  return `\nOutput formats: -o ${formats.join('|')}`;
}

export function refuseOtherOutput(formats: readonly OutputFormat[]): (cmd: Command, action: Command) => void {
  return (_cmd, action) => {
    const value = (action.optsWithGlobals() as { output?: string }).output;
    if (value !== undefined && value !== '' && !(formats as readonly string[]).includes(value)) throw unknownOutputFormat(value, formats);
  };
}
