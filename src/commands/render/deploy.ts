// kaito render deploy: the manifests `kaito deploy` would apply, without a cluster.
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { renderInference, type DeployFlags } from '../../core/render/index.js';
import { deployInput } from '../shared/flag-input.js';
import { withYamlLib } from '../../core/yaml-lib.js';
import { emitObjects } from './output.js';

export async function run(ctx: CommandContext, opts: DeployFlags & { outputDir?: string }): Promise<void> {
  const project = ctx.project().config;
  // pure steps: they are run again if a user's file needs the yaml library (not loaded at start-up)
  const { input, warnings } = await withYamlLib(() =>
    deployInput(opts, project.deploy, renderOnlyContext(ctx)),
  );
  for (const w of warnings) ctx.io.warn(w);
  if (input.createModelAccessSecret) ctx.io.info(`note: \`kaito deploy\` creates the Secret ${input.createModelAccessSecret.name} (key HF_TOKEN) from stdin; it is referenced here by name only`);
  const objects = await withYamlLib(() => renderInference(input));
  await emitObjects(ctx, objects, opts.outputDir);
}
