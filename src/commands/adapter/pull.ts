// `kaito adapter pull IMAGE DIR`: writes adapter_config.json and adapter_model.safetensors from the image's /data into
// DIR, every layer's digest verified before anything is moved into DIR. stdout: nothing in text mode (the files are
// the result; a line per file goes to stderr), or with -o json|yaml:
//   { image, digest, reference, dir, files: [{name, path, bytes}], baseModel, lora: {r, alpha, dropout, targetModules} }
import { resolve, join } from 'node:path';
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import { readAdapter } from '../../registry/adapter.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { parseImageArg, registryClient, type RegistryFlags } from '../shared/registry.js';
import { parseSize } from './common.js';
import { OUTPUT_ADAPTER as OUTPUT } from '../output-formats.js';

interface Opts extends RegistryFlags {
  maxSize?: string;
}

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const output = parseOutputFormat(ctx.globals.output, OUTPUT.pull, 'text');
  const ref = parseImageArg(String(args[0]));
  const dir = resolve(String(args[1]));
  const max = parseSize(opts.maxSize);
  const st = await stat(dir).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UsageError(`${args[1]} exists and is not a directory`, 'give a folder to write the adapter files into');
  const client = await registryClient(ctx, ref, opts);
  try {
    const { info } = await readAdapter(client, { targetDir: dir, maxExpanded: max });
    const files = Object.entries(info.size.files).map(([name, bytes]) => ({ name, path: join(dir, name), bytes }));
    if (output === 'text') for (const f of files) ctx.io.info(`wrote ${f.path} (${f.bytes} bytes)`);
    else printResult(ctx.io, output, { document: { image: info.image, digest: info.digest, reference: info.reference, dir, files, baseModel: info.baseModel, lora: info.lora } });
    ctx.io.info(`${ctx.io.color.green('✓')} pulled ${info.reference}${info.baseModel ? ` (adapter for ${info.baseModel})` : ''}`);
    return 0;
  } finally {
    await client.close();
  }
}
