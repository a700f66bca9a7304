// Prints rendered objects (-o yaml multi-doc, -o json List, -o name) or writes one file per object.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { objectFileName, objectsToJSON, objectsToYAML, type KubeObject } from '../../core/render/index.js';
import { withYamlLib } from '../../core/yaml-lib.js';
import { OperationError } from '../../errors.js';
import { parseOutputFormat } from '../../ui/printer.js';
import { OUTPUT_RENDER as OUTPUT } from '../output-formats.js';

export async function emitObjects(ctx: CommandContext, objects: KubeObject[], outputDir: string | undefined): Promise<void> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.tune, 'yaml');
  if (outputDir !== undefined) {
    // every text is made before the first file is written (making YAML may have to load the library first)
    const texts = await withYamlLib(() =>
      objects.map((o) => (format === 'json' ? JSON.stringify(JSON.parse(objectsToJSON([o])).items[0], null, 2) + '\n' : objectsToYAML([o]))),
    );
    try {
      mkdirSync(outputDir, { recursive: true });
      for (const [i, o] of objects.entries()) {
        const path = join(outputDir, objectFileName(o));
        writeFileSync(path, texts[i]);
        ctx.io.info(`wrote ${path}`);
      }
    } catch (e) {
      throw new OperationError(`cannot write to ${outputDir}: ${(e as Error).message}`, 'pick a writable --output-dir');
    }
    return;
  }
  if (format === 'json') ctx.io.print(objectsToJSON(objects));
  else if (format === 'name') for (const o of objects) ctx.io.print(`${o.kind.toLowerCase()}${o.kind === 'Workspace' ? '.kaito.sh' : ''}/${o.metadata.name}\n`);
  else ctx.io.print(await withYamlLib(() => objectsToYAML(objects)));
}
