// What the cluster tells us about Kaito: which kaito.sh versions are served, where the controller runs,
// its version and its node-provisioning mode (NAP: Kaito creates GPU nodes; BYO: it uses existing ones).
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError } from '../errors.js';
import type { KubeClient, KubeList, KubeObject } from './client.js';
import { KubeApiError, statusOf } from './errors.js';

export type WorkspaceApiVersion = 'kaito.sh/v1beta1' | 'kaito.sh/v1alpha1';
export type ProvisioningMode = 'nap' | 'byo';

export interface KaitoApi {
  /** versions the API server serves, e.g. ['v1beta1', 'v1alpha1'] */
  served: string[];
  /** what the CLI writes: v1beta1 when served, else v1alpha1 */
  apiVersion: WorkspaceApiVersion;
}

export const KAITO_NOT_INSTALLED_HINT =
  'enable the AKS add-on (`az aks update -g RG -n CLUSTER --enable-ai-toolchain-operator --enable-oidc-issuer`) or install the Kaito helm chart; to try locally: `kaito sandbox start`';

interface ApiGroup { versions?: Array<{ groupVersion: string; version: string }>; preferredVersion?: { version: string } }

/**
 * Discovery answers live on disk for 6 hours per API server, as kubectl keeps its discovery cache
 * (~/.kube/cache/discovery/<host_port>/, 6 h TTL): an everyday `kaito status` then makes no discovery
 * request (issue 16). A kaito.sh path that turns out not to be served drops the entry and asks again
 * within the same command (KubeClient.onKaitoUnserved), so an uninstalled Kaito still says so.
 */
export const DISCOVERY_TTL_MS = 6 * 3600_000;

function discoveryFile(kube: KubeClient): string | undefined {
  if (!kube.cacheDir) return undefined;
  const key = kube.server.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_');
  return join(kube.cacheDir, 'discovery', `${key}.kaito.sh.json`);
}

function readCached(file: string): string[] | undefined {
  try {
    if (Date.now() - statSync(file).mtimeMs > DISCOVERY_TTL_MS) return undefined;
    const served = (JSON.parse(readFileSync(file, 'utf8')) as { served?: unknown }).served;
    return Array.isArray(served) && served.length && served.every((v) => typeof v === 'string') ? (served as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(file: string, served: string[]): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ served }) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs the next run one request
  }
}

function pickApi(served: string[]): KaitoApi | undefined {
  const apiVersion: WorkspaceApiVersion | undefined = served.includes('v1beta1') ? 'kaito.sh/v1beta1' : served.includes('v1alpha1') ? 'kaito.sh/v1alpha1' : undefined;
  return apiVersion ? { served, apiVersion } : undefined;
}

/** GET /apis/kaito.sh (or the cached answer). A missing group means Kaito is not installed: exit 1 with the fix. */
export async function discoverKaitoApi(kube: KubeClient, signal?: AbortSignal): Promise<KaitoApi> {
  const file = discoveryFile(kube);
  const cached = file ? readCached(file) : undefined;
  const fromCache = cached && pickApi(cached);
  if (file && fromCache) {
    kube.onKaitoUnserved = async () => {
      rmSync(file, { force: true });
      await askKaitoApi(kube, signal, file);
    };
    return fromCache;
  }
  return askKaitoApi(kube, signal, file);
}

async function askKaitoApi(kube: KubeClient, signal: AbortSignal | undefined, file: string | undefined): Promise<KaitoApi> {
  let group: ApiGroup | undefined;
  try {
    group = await kube.getOptional<ApiGroup>('/apis/kaito.sh', { signal });
  } catch (e) {
    throw kube.error(e, 'discover the Kaito API');
  }
  const served = (group?.versions ?? []).map((v) => v.version);
  if (!group || served.length === 0) throw new OperationError(`Kaito is not installed in this cluster (${kube.server} serves no kaito.sh API)`, KAITO_NOT_INSTALLED_HINT);
  const api = pickApi(served);
  if (!api) throw new OperationError(`this cluster serves kaito.sh ${served.join(', ')}, which this CLI does not know`, 'use a Kaito release that serves kaito.sh/v1beta1 or v1alpha1');
  if (file) writeCached(file, served);
  return api;
}

/** What the controller's --node-provisioner says (v0.11+), or what the feature gate implies before (compat C1). */
export type NodeProvisionerName = 'azure-gpu-provisioner' | 'karpenter' | 'byo';

export interface KaitoController {
  namespace: string;
  name: string;
  image?: string;
  /** image tag, e.g. 0.12.0 */
  version?: string;
  readyReplicas: number;
  replicas: number;
  mode: ProvisioningMode;
  /** the node provisioner: azure-gpu-provisioner, karpenter or byo (compat C1) */
  provisioner: NodeProvisionerName;
  /** how the mode was decided, for doctor */
  modeSource: string;
}

/** a.b[.c] >= min (both dotted numbers); false when v is not a version. */
export function kaitoVersionAtLeast(v: string | undefined, min: string): boolean {
  const a = (v ?? '').replace(/^v/, '').split('.').map((x) => Number.parseInt(x, 10));
  if (!a.length || a.some((n) => Number.isNaN(n))) return false;
  const b = min.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The Helm chart labels the controller Deployment app.kubernetes.io/name=workspace; its name follows the release (compat C1). */
export const CONTROLLER_LABEL_SELECTOR = 'app.kubernetes.io/name=workspace';

/** Known names, tried only when listing Deployments cluster-wide is forbidden: the AKS add-on and common Helm releases. */
const CONTROLLER_LOCATIONS: Array<[string, string]> = [
  ['kube-system', 'kaito-workspace'],
  ['kaito-workspace', 'kaito-workspace'],
  ['kaito-system', 'workspace'],
  ['kaito-system', 'kaito-workspace'],
];

const BYO_GATE = /disableNodeAutoProvisioning\s*=\s*true/i;
const PROVISIONER_ARG = /^--node-provisioner=(.*)$/;

interface Deployment extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ name: string; image?: string; args?: string[]; command?: string[]; env?: Array<{ name: string; value?: string }> }> } } };
  status?: { readyReplicas?: number; replicas?: number; availableReplicas?: number };
}

/** Finds the Kaito workspace controller Deployment by its chart label; undefined when none is visible (compat C1). */
export async function findKaitoController(kube: KubeClient, signal?: AbortSignal): Promise<KaitoController | undefined> {
  let dep: Deployment | undefined;
  let listed = false;
  try {
    const all = await kube.get<KubeList<Deployment>>('/apis/apps/v1/deployments', { query: { labelSelector: CONTROLLER_LABEL_SELECTOR }, signal });
    listed = true;
    // the controller is the one whose container runs the workspace image (the chart's other Deployments carry other names)
    dep = all.items.find((d) => d.spec?.template?.spec?.containers?.some((c) => /workspace/.test(c.image ?? ''))) ?? all.items[0];
  } catch (e) {
    const code = statusOf(e)?.code;
    if (!(e instanceof KubeApiError) || (code !== 403 && code !== 401 && code !== 404)) throw kube.error(e, 'list deployments');
  }
  if (!dep && !listed) {
    for (const [ns, name] of CONTROLLER_LOCATIONS) {
      try {
        dep = await kube.getOptional<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`, { signal });
      } catch (e) {
        if (statusOf(e)?.code === 403) continue;
        throw kube.error(e, 'read the Kaito controller deployment');
      }
      if (dep) break;
    }
  }
  if (!dep) return undefined;
  return describeController(dep);
}

export function describeController(dep: Deployment): KaitoController {
  const containers = dep.spec?.template?.spec?.containers ?? [];
  const main = containers.find((c) => /workspace|manager|kaito/.test(c.name)) ?? containers[0];
  const image = main?.image;
  const tag = image?.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : undefined;
  const flags = [...(main?.command ?? []), ...(main?.args ?? [])];
  // compat C1: v0.11+ --node-provisioner decides; before it, the disableNodeAutoProvisioning feature gate
  const arg = flags.map((f) => PROVISIONER_ARG.exec(f)?.[1]).find((x) => x !== undefined);
  const byo = flags.find((f) => BYO_GATE.test(f));
  let provisioner: NodeProvisionerName;
  let modeSource: string;
  if (arg !== undefined) {
    provisioner = arg === 'byo' || arg === 'karpenter' ? arg : 'azure-gpu-provisioner';
    modeSource = `--node-provisioner=${arg}`;
  } else if (byo) {
    provisioner = 'byo';
    modeSource = `feature gate ${byo.match(BYO_GATE)?.[0]}`;
  } else {
    provisioner = 'azure-gpu-provisioner';
    modeSource = 'no --node-provisioner and no disableNodeAutoProvisioning feature gate';
  }
  return {
    namespace: dep.metadata.namespace ?? '',
    name: dep.metadata.name,
    image,
    version: tag && !tag.includes('/') ? tag.replace(/^v/, '') : undefined,
    readyReplicas: dep.status?.readyReplicas ?? 0,
    replicas: dep.spec?.replicas ?? 1,
    mode: provisioner === 'byo' ? 'byo' : 'nap',
    provisioner,
    modeSource,
  };
}

/** The mode to use: --node-provisioning / kaito.yaml when not auto, else what the controller says (NAP when unknown). */
export async function resolveProvisioningMode(
  kube: KubeClient,
  requested: 'auto' | 'nap' | 'byo' | undefined,
  signal?: AbortSignal,
): Promise<{ mode: ProvisioningMode; controller?: KaitoController; detected: boolean }> {
  const controller = await findKaitoController(kube, signal);
  if (requested === 'nap' || requested === 'byo') return { mode: requested, controller, detected: false };
  return { mode: controller?.mode ?? 'nap', controller, detected: Boolean(controller) };
}
