// Placement flags shared by tune and deploy: --instance-type, --nodepool, --labels, --node-provisioning.
import { checkAksPoolName, checkLabelKey, checkLabelValue, isReservedLabelKey } from '../names.js';
import type { NodeProvisioning, Placement } from './types.js';

export interface PlacementFlags {
  instanceType?: string;
  nodepool?: string;
  labels?: string;
  nodeProvisioning?: 'auto' | 'nap' | 'byo';
  /** set when instanceType/nodepool/labels came from kaito.yaml, e.g. "tune": messages then name `tune.nodepool (kaito.yaml)`
   *  instead of a flag nobody gave (issue 17 item 6) */
  fromFile?: string;
  /** likewise for labels */
  labelsFromFile?: string;
}

export interface PlacementContext {
  detectedNodeProvisioning: NodeProvisioning;
  nodepoolVmSize?: string;
  renderOnly?: boolean;
}

/** Why a label key may not be used here, or undefined. */
export type ReservedKeyRule = (key: string) => string | undefined;

/** Workspace labels: the keys Kaito sets itself (compat R3). */
const KAITO_RESERVED: ReservedKeyRule = (k) => (isReservedLabelKey(k) ? 'is reserved by Kaito (it sets that key itself; compat R3): use a key of your own' : undefined);

/**
 * Parses `k=v,k2=v2` (the --labels syntax; a kaito.yaml mapping too) into Kubernetes labels; problems name the
 * flag. The one label parser: workspace labels (Kaito's reserved keys) and AKS node pool labels (`reserved`).
 */
export function parseLabels(raw: string | Record<string, unknown> | undefined, flag: string, problems: string[], reserved: ReservedKeyRule = KAITO_RESERVED): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  const pairs: Array<[string, string]> = [];
  if (typeof raw === 'string') {
    for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) {
        problems.push(`${flag}: "${part}" is not KEY=VALUE (e.g. ${flag} team=ml,env=dev)`);
        continue;
      }
      pairs.push([part.slice(0, eq), part.slice(eq + 1)]);
    }
  } else for (const [k, v] of Object.entries(raw)) pairs.push([k, String(v)]);
  for (const [k, v] of pairs) {
    const kp = checkLabelKey(k);
    const why = kp ? undefined : reserved(k);
    if (kp) problems.push(`${flag}: label key "${k}" ${kp}`);
    else if (why) problems.push(`${flag}: label key "${k}" ${why}`);
    const vp = checkLabelValue(v);
    if (vp) problems.push(`${flag}: label value "${v}" (key ${k}) ${vp}`);
    out[k] = v;
  }
  return out;
}

export function parsePlacement(f: PlacementFlags, ctx: PlacementContext, problems: string[]): Placement {
  const mode: NodeProvisioning = f.nodeProvisioning === 'nap' || f.nodeProvisioning === 'byo' ? f.nodeProvisioning : ctx.detectedNodeProvisioning;
  const name = (flag: string, key: string) => (f.fromFile ? `${f.fromFile}.${key} (kaito.yaml)` : flag);
  const np = name('--nodepool', 'nodepool');
  const it = name('--instance-type', 'instanceType');
  const p: Placement = { nodeProvisioning: mode, labels: parseLabels(f.labels, f.labelsFromFile ? `${f.labelsFromFile}.labels (kaito.yaml)` : '--labels', problems) };
  if (f.nodepool !== undefined) {
    const why = checkAksPoolName(f.nodepool);
    if (why) problems.push(`${np} "${f.nodepool}" ${why}`);
    p.nodepool = f.nodepool;
    if (ctx.renderOnly) {
      // render has no cluster to ask: --instance-type stands for the pool's vmSize
      if (f.instanceType) p.nodepoolVmSize = f.instanceType;
    } else {
      if (f.instanceType) problems.push(`${it} and ${np}: use one of them (the pool already fixes the VM size)`);
      if (ctx.nodepoolVmSize) p.nodepoolVmSize = ctx.nodepoolVmSize;
    }
    if (mode === 'nap' && !p.nodepoolVmSize)
      problems.push(
        ctx.renderOnly
          ? `${np} ${f.nodepool}: in NAP mode instanceType is the pool's vmSize: add --instance-type VMSIZE, or --node-provisioning byo`
          : `${np} ${f.nodepool}: cannot tell the pool's vmSize (needed in NAP mode): check the pool with \`kaito nodepool show ${f.nodepool}\``,
      );
  } else if (f.instanceType) {
    p.instanceType = f.instanceType;
    if (mode === 'byo') problems.push(`${it} cannot be used in BYO mode (node auto-provisioning is off): use --nodepool POOL or --labels to select your GPU nodes`);
  }
  if (f.instanceType !== undefined && !/^Standard_[A-Za-z0-9_]+$/.test(f.instanceType))
    problems.push(`${it} "${f.instanceType}" is not an Azure VM size (e.g. Standard_NC24ads_A100_v4; see \`kaito presets show PRESET\`)`);
  return p;
}

