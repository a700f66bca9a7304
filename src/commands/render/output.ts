// Prints rendered objects (-o yaml multi-doc, -o json List, -o name) or writes one file per object.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { objectFileName, objectsToJSON, objectsToYAML, type KObject } from '../../core/render/index.js';
import { OperationError } from '../../errors.js';
import { parseOutputFormat } from '../../ui/printer.js';

export function emitObjects(ctx: CommandContext, objects: KObject[], outputDir: string | undefined): void {
  const format = parseOutputFormat(ctx.globals.output, ['yaml', 'json', 'name'], 'yaml');
  if (outputDir !== undefined) {
    try {
      mkdirSync(outputDir, { recursive: true });
      for (const o of objects) {
        const path = join(outputDir, objectFileName(o));
        writeFileSync(path, format === 'json' ? JSON.stringify(JSON.parse(objectsToJSON([o])).items[0], null, 2) + '\n' : objectsToYAML([o]));
        ctx.io.info(`wrote ${path}`);
      }
    } catch (e) {
      throw new OperationError(`cannot write to ${outputDir}: ${(e as Error).message}`, 'pick a writable --output-dir');
    }
    return;
  }
  if (format === 'json') ctx.io.print(objectsToJSON(objects));
  else if (format === 'name') for (const o of objects) ctx.io.print(`${o.kind.toLowerCase()}${o.kind === 'Workspace' ? '.kaito.sh' : ''}/${o.metadata.name}\n`);
  else ctx.io.print(objectsToYAML(objects));
}
