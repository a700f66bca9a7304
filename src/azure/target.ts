// Which AKS cluster the command is about: --subscription/--resource-group/--cluster (else env, else
// kaito.yaml), and when the resource group or cluster is missing, the managed cluster whose API server
// FQDN is the host of the current kube context's server (as `az aks get-credentials` writes it).
import type { ClusterTarget } from '../kube/target.js';
import { OperationError, UsageError } from '../errors.js';
import { validateClusterName, validateResourceGroup, validateSubscriptionId } from '../config/validators.js';
import { toAzureError } from './errors.js';
import type { AzureSession } from './session.js';

export interface AksTarget {
  subscription: string;
  resourceGroup: string;
  cluster: string;
  location: string;
  /** how it was found, for messages */
  discovered: boolean;
  aiToolchainOperator?: boolean;
  nodeResourceGroup?: string;
}

export interface ClusterInfo {
  name: string;
  resourceGroup: string;
  location: string;
  fqdns: string[];
  aiToolchainOperator?: boolean;
  nodeResourceGroup?: string;
}

/** "/subscriptions/s/resourcegroups/RG/providers/..." -> RG */
export function resourceGroupOf(id: string | undefined): string {
  return /\/resourcegroups\/([^/]+)/i.exec(id ?? '')?.[1] ?? '';
}

export async function listClusters(session: AzureSession, subscription: string, resourceGroup?: string, signal?: AbortSignal): Promise<ClusterInfo[]> {
  const client = await session.containerService(subscription);
  const out: ClusterInfo[] = [];
  const iter = resourceGroup ? client.managedClusters.listByResourceGroup(resourceGroup, { abortSignal: signal }) : client.managedClusters.list({ abortSignal: signal });
  for await (const mc of iter) {
    out.push({
      name: mc.name ?? '',
      resourceGroup: resourceGroupOf(mc.id),
      location: mc.location,
      fqdns: [mc.fqdn, mc.privateFqdn, mc.azurePortalFqdn].filter((x): x is string => Boolean(x)).map((x) => x.toLowerCase()),
      aiToolchainOperator: mc.aiToolchainOperatorProfile?.enabled,
      nodeResourceGroup: mc.nodeResourceGroup,
    });
  }
  return out;
}

/** The kube context's API server host, or undefined when there is no usable kubeconfig. */
/** What resolving the AKS cluster needs from the caller. */
export interface AksTargetInput {
  target: ClusterTarget;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  debug?: (msg: string) => void;
}

export async function kubeServerHost(target: ClusterTarget, env: NodeJS.ProcessEnv, debug?: (msg: string) => void): Promise<{ host: string; context: string } | undefined> {
  try {
    const { loadKubeConfig } = await import('../kube/config.js');
    const k = loadKubeConfig(target, env);
    return { host: new URL(k.server).hostname.toLowerCase(), context: k.contextName };
  } catch (e) {
    debug?.(`no kube context for cluster discovery: ${(e as Error).message}`);
    return undefined;
  }
}

export async function resolveAksTarget(session: AzureSession, o: AksTargetInput): Promise<AksTarget> {
  const t = o.target;
  if (!t.subscription)
    throw new UsageError('no Azure subscription given', 'pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or run `kaito init`');
  // checked before they become ARM URL segments: "../../x" or "rg;rm" must not reach Azure as a path
  const problems = [
    ['--subscription', t.subscription, validateSubscriptionId],
    ['--resource-group', t.resourceGroup, validateResourceGroup],
    ['--cluster', t.cluster, validateClusterName],
  ].flatMap(([flag, v, check]) => {
    const p = v ? (check as (x: string) => string | undefined)(v as string) : undefined;
    return p ? [`${flag} ${JSON.stringify(v)}: ${p}`] : [];
  });
  if (problems.length === 1) throw new UsageError(problems[0], 'fix the value (flag, environment or kaito.yaml)');
  if (problems.length) throw new UsageError('the AKS cluster target is not valid', 'fix the values (flags, environment or kaito.yaml)', problems);
  const subscription = t.subscription;
  const what = 'finding the AKS cluster';
  if (t.resourceGroup && t.cluster) {
    try {
      const client = await session.containerService(subscription);
      const mc = await client.managedClusters.get(t.resourceGroup, t.cluster, { abortSignal: o.signal });
      return { subscription, resourceGroup: t.resourceGroup, cluster: mc.name ?? t.cluster, location: mc.location, discovered: false, aiToolchainOperator: mc.aiToolchainOperatorProfile?.enabled, nodeResourceGroup: mc.nodeResourceGroup };
    } catch (e) {
      throw toAzureError(e, `reading AKS cluster ${t.resourceGroup}/${t.cluster}`, session.cloud.endpoint);
    }
  }
  let clusters: ClusterInfo[];
  try {
    clusters = await listClusters(session, subscription, t.resourceGroup, o.signal);
  } catch (e) {
    throw toAzureError(e, what, session.cloud.endpoint);
  }
  let match: ClusterInfo[] = clusters;
  let how = '';
  if (t.cluster) {
    match = clusters.filter((c) => c.name.toLowerCase() === t.cluster!.toLowerCase());
    how = `named ${t.cluster}`;
  } else {
    const kube = await kubeServerHost(t, o.env, o.debug);
    if (!kube)
      throw new UsageError('cannot tell which AKS cluster to use: no --cluster and no kube context to match', 'pass --resource-group RG --cluster NAME (or run `kaito init`)');
    match = clusters.filter((c) => c.fqdns.includes(kube.host));
    how = `whose API server is ${kube.host} (kube context ${kube.context})`;
  }
  if (match.length === 1) {
    const c = match[0];
    o.debug?.(`AKS cluster ${c.resourceGroup}/${c.name} found ${how}`);
    return { subscription, resourceGroup: c.resourceGroup, cluster: c.name, location: c.location, discovered: true, aiToolchainOperator: c.aiToolchainOperator, nodeResourceGroup: c.nodeResourceGroup };
  }
  const scope = t.resourceGroup ? `resource group ${t.resourceGroup}` : `subscription ${subscription}`;
  if (match.length === 0)
    throw new OperationError(`no AKS cluster ${how} in ${scope} (${clusters.length} cluster${clusters.length === 1 ? '' : 's'} checked)`, 'pass --resource-group RG --cluster NAME, or switch the kube context to an AKS cluster of this subscription');
  throw new UsageError(`${match.length} AKS clusters ${how} in ${scope}: ${match.map((c) => `${c.resourceGroup}/${c.name}`).join(', ')}`, 'pass --resource-group to pick one');
}
