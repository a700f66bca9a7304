// kaito render tune: the manifests `kaito tune` would apply, without a cluster.
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { renderTuning, tuneInputFromFlags, type TuneFlags } from '../../core/render/index.js';
import { withYamlLib } from '../../core/yaml-lib.js';
import { emitObjects } from './output.js';

export async function run(ctx: CommandContext, flags: TuneFlags & { outputDir?: string }): Promise<void> {
  const project = ctx.project().config;
  // issue 13: a local --dataset file is rendered as the data image `kaito tune` would push (nothing is pushed here)
  const { planLocalDataset, addDataPullSecret } = await import('../shared/local-dataset.js');
  const { opts, plan } = await planLocalDataset(ctx, flags, project.tune);
  // pure steps: they are run again if a user's file needs the yaml library (not loaded at start-up)
  const { input, warnings } = await withYamlLib(() =>
    tuneInputFromFlags(opts, project.tune, renderOnlyContext(ctx)),
  );
  addDataPullSecret(input, plan);
  if (plan) ctx.io.info(`note: \`kaito tune\` would validate ${plan.path} and push it as ${plan.image} (tuning.input.image); nothing was pushed`);
  for (const w of warnings) ctx.io.warn(w);
  if (input.createPushSecret) ctx.io.info(`note: \`kaito tune\` creates the docker-registry Secret ${input.createPushSecret.name} from --registry-username and the password on stdin; it is referenced here by name only`);
  const objects = await withYamlLib(() => renderTuning(input));
  await emitObjects(ctx, objects, flags.outputDir);
}
