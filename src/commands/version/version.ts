import type { CommandContext } from '../../cli/context.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { VERSION } from '../../version.js';
import { OUTPUT_VERSION as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext): Promise<void> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.version, 'text');
  const doc = { version: VERSION, node: process.versions.node, platform: `${process.platform}/${process.arch}` };
  printResult(ctx.io, format, { document: doc, text: () => `kaito ${VERSION} (node ${doc.node}, ${doc.platform})\n` });
}
