// kaito render tune: the manifests `kaito tune` would apply, without a cluster.
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { renderTuning, tuneInputFromFlags, type TuneFlags } from '../../core/render/index.js';
import { withYamlLib } from '../../core/yaml-lib.js';
import { emitObjects } from './output.js';

export async function run(ctx: CommandContext, opts: TuneFlags & { outputDir?: string }): Promise<void> {
  const project = ctx.project().config;
  // pure steps: they are run again if a user's file needs the yaml library (not loaded at start-up)
  const { input, warnings } = await withYamlLib(() =>
    tuneInputFromFlags(opts, project.tune, renderOnlyContext(ctx)),
  );
  for (const w of warnings) ctx.io.warn(w);
  if (input.createPushSecret) ctx.io.info(`note: \`kaito tune\` creates the docker-registry Secret ${input.createPushSecret.name} from --registry-username and the password on stdin; it is referenced here by name only`);
  const objects = await withYamlLib(() => renderTuning(input));
  await emitObjects(ctx, objects, opts.outputDir);
}
