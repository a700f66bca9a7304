// Last gate before anything leaves the renderer: the structural schema (no field the API server would
// prune) and Kaito's admission rules. Flag validation should have caught everything a user can cause,
// so a failure here is a CLI bug and is thrown as a plain Error.
import { objectSchemaProblems } from '../schema.js';
import type { TrainingConfig } from '../training-config.js';
import { tuningConfigMapProblems, workspaceAdmissionProblems } from '../validate.js';
import { validateWorkspace } from '../kaito-webhook.js';
import { KAITO_RELEASES, type KaitoRelease } from '../presets.js';
import type { KubeObject, NodeProvisioning } from './types.js';

/**
 * `trainingConfig`: the config the tuning ConfigMap's text was just written from. It was checked where it was
 * made (core/render/flags.ts), so it is neither parsed back nor checked again here; without it, the ConfigMap's
 * text is parsed and checked.
 */
export function renderedProblems(objects: KubeObject[], mode: NodeProvisioning, kaitoRelease?: string, trainingConfig?: TrainingConfig): string[] {
  const problems: string[] = [];
  const ws = objects.find((o) => o.kind === 'Workspace');
  for (const o of objects) problems.push(...objectSchemaProblems(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`));
  if (ws) {
    problems.push(...workspaceAdmissionProblems(ws, { nodeProvisioning: mode, kaitoRelease }).map((p) => `Workspace ${ws.metadata.name}: ${p}`));
    // and Kaito's webhook itself, as the sandbox's API server and `kaito lint` run it (issue 18: one source of truth)
    const version = KAITO_RELEASES.includes(kaitoRelease as KaitoRelease) ? (kaitoRelease as KaitoRelease) : undefined;
    problems.push(...validateWorkspace(ws, mode, { version }).map((c) => `Workspace ${ws.metadata.name}: ${c.field ? `${c.field}: ` : ''}${c.message}`));
    const tuning = ws.tuning as { method?: 'lora' | 'qlora'; config?: string } | undefined;
    const cm = tuning?.config ? objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === tuning.config) : undefined;
    if (cm && tuning?.method) problems.push(...tuningConfigMapProblems(cm, tuning.method, trainingConfig));
  }
  return problems;
}

export function assertRenderable(objects: KubeObject[], mode: NodeProvisioning, kaitoRelease?: string, trainingConfig?: TrainingConfig): KubeObject[] {
  const problems = renderedProblems(objects, mode, kaitoRelease, trainingConfig);
  if (problems.length > 0) throw new Error(`rendered manifests would be rejected: ${problems.join('; ')}`);
  return objects;
}
