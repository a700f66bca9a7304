// What the init wizard can look up to offer lists instead of blank questions. Every source is optional and
// best effort: when a lookup fails or takes too long the wizard asks the user to type the answer instead,
// so `kaito init` works on a laptop with no cluster and no Azure login.

export interface AksClusterRef {
  name: string;
  resourceGroup: string;
  location?: string;
}

export interface AgentPoolRef {
  name: string;
  vmSize?: string;
  /** "ns/ws" when Kaito provisioned the pool for a workspace (it goes away with it) */
  kaitoWorkspace?: string;
}

/** Regional vCPU quota of one VM family. */
export interface FamilyQuota {
  family: string;
  limit: number;
  used: number;
}

/** Azure lookups, available only when credentials work. */
export interface AzureLookups {
  clusters(subscription: string): Promise<AksClusterRef[]>;
  agentPools?(subscription: string, resourceGroup: string, cluster: string): Promise<AgentPoolRef[]>;
  /** vCPU quota per family in the cluster's region */
  quotas?(subscription: string, resourceGroup: string, cluster: string, families: string[]): Promise<FamilyQuota[]>;
}

export interface KubeContexts {
  names: string[];
  current?: string;
  namespaceOf(context: string): string | undefined;
  /** where the contexts came from, for messages */
  source: string;
}

/** problem: the answer is refused with it; note: shown once the answer is accepted. */
export interface DatasetVerdict {
  problem?: string;
  note?: string;
  /** issue 14: the dataset's size when the whole file was read (for the estimate init shows) */
  size?: { tokens: number; records: number; bytes: number };
}

/** What the cluster's Kaito controller says about node provisioning (docs/kaito-compat.md C rows). */
export interface KaitoPlacementFacts {
  /** nap: Kaito provisions GPU nodes; byo: the user's labelled nodes */
  mode: 'nap' | 'byo';
  /** controller image tag, e.g. 0.12.0 */
  version?: string;
}

/** NAP on Kaito 0.11+ pins pods to the nodes it provisions for the workspace: a pre-created pool would idle (KAITO.md §7). */
export function napIgnoresPools(f: KaitoPlacementFacts | undefined): boolean {
  if (!f || f.mode !== 'nap' || !f.version) return false;
  const m = /^(\d+)\.(\d+)/.exec(f.version);
  return Boolean(m && (Number(m[1]) > 0 || Number(m[2]) >= 11));
}

export interface InitSources {
  /** The cluster's node-provisioning facts, or undefined when the cluster cannot be reached. */
  kaito?(context: string | undefined, namespace: string): Promise<KaitoPlacementFacts | undefined>;
  /** Azure lookups for this subscription, or undefined when no credential works. */
  azure?(subscription: string): Promise<AzureLookups | undefined>;
  /** The contexts of the kubeconfig, or undefined when there is none. */
  kubeContexts?(): Promise<KubeContexts | undefined>;
  /** Whether the namespace exists, or undefined when the cluster cannot be asked. */
  namespaceExists?(context: string | undefined, namespace: string): Promise<boolean | undefined>;
  /** Names of kubernetes.io/dockerconfigjson Secrets, or undefined when the cluster cannot be reached. */
  pushSecrets?(context: string | undefined, namespace: string): Promise<string[] | undefined>;
  /** Downloads and checks a dataset. Runs while the prompt is on screen: it must not print. */
  checkDataset?(url: string, preset: string): Promise<DatasetVerdict>;
}

/** Runs a lookup with a deadline; any failure or timeout becomes undefined (the caller falls back to typing). */
export async function bestEffort<T>(what: string, ms: number, f: (signal: AbortSignal) => Promise<T>, debug: (m: string) => void): Promise<T | undefined> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      ac.abort(new Error(`timed out after ${ms} ms`));
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([
      f(ac.signal).catch((e: unknown) => {
        debug(`init: ${what} unavailable: ${(e as Error)?.message ?? String(e)}`);
        return undefined;
      }),
      deadline.then(() => {
        debug(`init: ${what} took longer than ${ms} ms; asking instead`);
        return undefined;
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
