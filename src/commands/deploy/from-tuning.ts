// --from-tuning WS: the adapter a finished tuning workspace pushed as an image. The workspace must be a
// tuning one, have Succeeded and write its output to an image; anything else is refused naming its
// state (exit 2: nothing was changed).
import type { FlagContext } from '../../core/render/index.js';
import { UsageError } from '../../errors.js';
import { yamlLib } from '../../core/yaml-lib.js';
import { resourcePath, type KubeClient, type KubeObject } from '../../kube/index.js';

interface Condition { type: string; status: string; reason?: string; message?: string }

export function tuningSucceeded(o: KubeObject): boolean {
  const st = (o.status ?? {}) as { state?: string; conditions?: Condition[] };
  if (st.state === 'Succeeded') return true;
  if (st.state === 'Failed') return false;
  return (st.conditions ?? []).some((c) => c.type === 'WorkspaceSucceeded' && c.status === 'True');
}

export function describeTuningState(o: KubeObject): string {
  const st = (o.status ?? {}) as { state?: string; conditions?: Condition[] };
  const c = (st.conditions ?? []).find((x) => x.type === 'WorkspaceSucceeded') ?? (st.conditions ?? []).find((x) => x.type === 'JobStarted');
  const cond = c ? `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}` : '';
  return [st.state ? `state ${st.state}` : 'no state reported yet', cond].filter(Boolean).join(', ');
}

export async function resolveFromTuning(
  kube: KubeClient,
  name: string,
  apiVersion: string,
  signal: AbortSignal,
): Promise<NonNullable<FlagContext['fromTuning']> & { loraRank?: number }> {
  let ws: KubeObject | undefined;
  try {
    ws = await kube.getOptional<KubeObject>(resourcePath('Workspace', kube.namespace, name, apiVersion), { signal });
  } catch (e) {
    throw kube.error(e, `read tuning workspace ${name}`);
  }
  if (!ws) throw new UsageError(`--from-tuning ${name}: no such workspace in namespace ${kube.namespace}`, 'list them with `kaito list`, or pass -n NAMESPACE');
  const tuning = ws.tuning as { preset?: { name?: string }; output?: { image?: string; imagePushSecret?: string; volumeSource?: unknown } } | undefined;
  if (!tuning) throw new UsageError(`--from-tuning ${name}: that is an inference workspace, not a tuning one`, 'name the tuning workspace that produced the adapter (`kaito list`)');
  if (!tuningSucceeded(ws)) {
    const failed = ((ws.status ?? {}) as { state?: string }).state === 'Failed';
    throw new UsageError(
      `--from-tuning ${name}: the tuning has not succeeded (${describeTuningState(ws)})`,
      failed ? `see why with \`kaito status ${name}\` and \`kaito logs ${name}\`, fix it and run \`kaito tune\` again` : `wait for it with \`kaito wait ${name}\`, then deploy again`,
    );
  }
  const image = tuning.output?.image;
  if (!image) throw new UsageError(`--from-tuning ${name}: its output is a volume, not an image; Kaito loads adapters from images only`, 'push the adapter to a registry and pass --adapter NAME=IMAGE');
  const preset = tuning.preset?.name;
  if (!preset) throw new UsageError(`--from-tuning ${name}: the workspace names no preset`, 'pass --preset NAME');
  return { workspace: name, preset, image, pullSecret: tuning.output?.imagePushSecret, loraRank: await loraRankOf(kube, (tuning as { config?: string }).config, signal) };
}

/** compat R20a: LoraConfig.r of the training config the workspace names (tuning.config); none named: the
 *  template's r=8. Unreadable: undefined (nothing is added). */
async function loraRankOf(kube: KubeClient, config: string | undefined, signal: AbortSignal): Promise<number | undefined> {
  if (!config) return 8;
  try {
    const cm = await kube.getOptional<KubeObject>(resourcePath('ConfigMap', kube.namespace, config), { signal });
    const text = (cm?.data as Record<string, string> | undefined)?.['training_config.yaml'];
    const r = text ? (yamlLib().parse(text) as { training_config?: { LoraConfig?: { r?: unknown } } })?.training_config?.LoraConfig?.r : undefined;
    return typeof r === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}
