// kaito render tune: the manifests `kaito tune` would apply, without a cluster.
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { renderTuning, type TuneFlags } from '../../core/render/index.js';
import { tuneInput } from '../shared/flag-input.js';
import { withYamlLib } from '../../core/yaml-lib.js';
import { emitObjects } from './output.js';
import { checkRegionFlag, enforceMaxCost, parseMaxCost, tuningEstimate } from '../shared/estimate.js';
import type { TuneInput } from '../../core/render/types.js';
import type { DatasetReport } from '../../core/dataset/types.js';

export async function run(ctx: CommandContext, flags: TuneFlags & { outputDir?: string; estimate?: boolean; maxCost?: string; region?: string }): Promise<void> {
  const project = ctx.project().config;
  const maxCost = parseMaxCost(flags.maxCost);
  const region = await checkRegionFlag(flags.region);
  // issue 13: a local --dataset file is rendered as the data image `kaito tune` would push (nothing is pushed here)
  // (loaded only then: the registry client brings the HTTP stack, which a URL-only render does not need)
  const local = (flags.dataset ?? []).some((d) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(d)) ? await import('../shared/local-dataset.js') : undefined;
  const { opts, plan } = local ? await local.planLocalDataset(ctx, flags, project.tune) : { opts: flags, plan: undefined };
  // pure steps: they are run again if a user's file needs the yaml library (not loaded at start-up)
  const { input, warnings } = await withYamlLib(() =>
    tuneInput(opts, project.tune, renderOnlyContext(ctx)),
  );
  local?.addDataPullSecret(input, plan);
  if (plan) ctx.io.info(`note: \`kaito tune\` would validate ${plan.path} and push it as ${plan.image} (tuning.input.image); nothing was pushed`);
  for (const w of warnings) ctx.io.warn(w);
  if (input.createPushSecret) ctx.io.info(`note: \`kaito tune\` creates the docker-registry Secret ${input.createPushSecret.name} from --registry-username and the password on stdin; it is referenced here by name only`);
  const objects = await withYamlLib(() => renderTuning(input));
  // issue 14: render is offline by default; --estimate (or --max-cost) reads the first dataset URL and the price
  if (flags.estimate || maxCost !== undefined) await renderEstimate(ctx, input, region, maxCost);
  await emitObjects(ctx, objects, flags.outputDir);
}

export async function renderEstimate(ctx: CommandContext, input: TuneInput, region: string | undefined, maxCost: number | undefined): Promise<void> {
  let report: DatasetReport | undefined;
  let skipped: string | undefined;
  if (input.dataset.kind === 'urls') {
    const { validateDataset } = await import('../../dataset/index.js');
    try {
      report = await validateDataset(input.dataset.urls[0], { preset: input.preset, signal: ctx.signal, env: ctx.io.env, maxBytes: 64 * 1024 * 1024, maxProblems: 1 });
    } catch (e) {
      skipped = `reading it failed (${(e as Error).message})`;
    }
  }
  const est = await tuningEstimate(ctx, input, { report, skipped, region, regionHint: 'render has no cluster: pass --region' });
  for (const l of est.lines) ctx.io.info(l);
  enforceMaxCost(est, maxCost);
}
