// The real lookups behind the wizard's lists: the kubeconfig (contexts), the cluster (docker-registry
// Secrets), Azure Resource Manager (AKS clusters, node pools, GPU quota) and the dataset checker. Heavy
// modules are imported only when a lookup runs.
import { KaitoError, UsageError } from '../../errors.js';
import { registerSecret } from '../../ui/redact.js';
import type { AgentPoolRef, AzureLookups, DatasetVerdict, InitSources, KaitoPlacementFacts, KubeContexts } from './sources.js';
import { kaitoWorkspaceOf } from '../../azure/workspaces.js';
import type { AzureSession } from '../../azure/session.js';
import type { KubeClient } from '../../kube/client.js';
import type { ClusterTarget } from '../../kube/target.js';

export interface LiveSourceOptions {
  env: NodeJS.ProcessEnv;
  kubeconfig?: string;
  armEndpoint?: string;
  /** --auth (else KAITO_AZURE_AUTH, else default) */
  auth?: string;
  skipDatasetCheck?: boolean;
  debug(line: string): void;
  warn(line: string): void;
  info(line: string): void;
  /** the command context's clients (src/cli/factory.ts) */
  kube(target: ClusterTarget): Promise<KubeClient>;
  arm(): Promise<AzureSession>;
}

export function liveSources(o: LiveSourceOptions): InitSources {
  return {
    azure: (subscription) => azureLookups(o, subscription),
    kubeContexts: () => kubeContexts(o),
    pushSecrets: (context, namespace) => pushSecrets(o, context, namespace),
    namespaceExists: (context, namespace) => namespaceExists(o, context, namespace),
    kaito: (context, namespace) => kaitoFacts(o, context, namespace),
    checkDataset: o.skipDatasetCheck ? undefined : (url, preset) => checkDataset(o, url, preset),
  };
}

async function azureLookups(o: LiveSourceOptions, subscription: string): Promise<AzureLookups | undefined> {
  const [{ listClusters }, { getUsages }] = await Promise.all([import('../../azure/target.js'), import('../../azure/quota.js')]);
  const session = await o.arm();
  const cloud = session.cloud;
  // a token first: without one there is nothing to list, and the wizard should say so at once
  const token = await session.credential.getToken(cloud.scope);
  if (!token) return undefined;
  registerSecret(token.token);
  o.debug(`init: Azure lookups in subscription ${subscription} via ${cloud.endpoint}`);
  return {
    clusters: async (sub) => (await listClusters(session, sub)).map((c) => ({ name: c.name, resourceGroup: c.resourceGroup, location: c.location })),
    agentPools: async (sub, rg, cluster) => {
      const client = await session.containerService(sub);
      const out: AgentPoolRef[] = [];
      for await (const p of client.agentPools.list(rg, cluster)) out.push({ name: p.name ?? '', vmSize: p.vmSize, kaitoWorkspace: kaitoWorkspaceOf(p.nodeLabels) });
      return out;
    },
    quotas: async (sub, rg, cluster, families) => {
      const client = await session.containerService(sub);
      const mc = await client.managedClusters.get(rg, cluster);
      const wanted = new Set(families.map((f) => f.toLowerCase()));
      return (await getUsages(session, sub, mc.location)).filter((u) => wanted.has(u.family.toLowerCase())).map((u) => ({ family: u.family, limit: u.limit, used: u.current }));
    },
  };
}

async function kubeContexts(o: LiveSourceOptions): Promise<KubeContexts | undefined> {
  const { loadKubeConfig } = await import('../../kube/config.js');
  try {
    const k = loadKubeConfig({ kubeconfig: o.kubeconfig }, o.env);
    const contexts = k.kc.getContexts();
    return {
      names: contexts.map((c) => c.name),
      current: k.kc.getCurrentContext() || undefined,
      namespaceOf: (name) => contexts.find((c) => c.name === name)?.namespace,
      source: k.source,
    };
  } catch (e) {
    o.debug(`init: no kube contexts: ${(e as Error).message}`);
    return undefined;
  }
}

async function kaitoFacts(o: LiveSourceOptions, context: string | undefined, namespace: string): Promise<KaitoPlacementFacts | undefined> {
  const { findKaitoController } = await import('../../kube/kaito.js');
  const kube = await o.kube({ kubeconfig: o.kubeconfig, context, namespace });
  const c = await findKaitoController(kube);
  return c ? { mode: c.mode, version: c.version } : undefined;
}

async function namespaceExists(o: LiveSourceOptions, context: string | undefined, namespace: string): Promise<boolean | undefined> {
  const kube = await o.kube({ kubeconfig: o.kubeconfig, context, namespace });
  return Boolean(await kube.getOptional(`/api/v1/namespaces/${encodeURIComponent(namespace)}`, { retry: false }));
}

async function pushSecrets(o: LiveSourceOptions, context: string | undefined, namespace: string): Promise<string[] | undefined> {
  const { resourcePath } = await import('../../kube/index.js');
  const kube = await o.kube({ kubeconfig: o.kubeconfig, context, namespace });
  const list = await kube.get<{ items?: Array<{ type?: string; metadata: { name: string }; data?: Record<string, string> }> }>(resourcePath('Secret', namespace), { retry: false });
  const names: string[] = [];
  for (const s of list.items ?? []) {
    // listing returns the data too: make sure none of it can leak through --debug or an error
    for (const v of Object.values(s.data ?? {})) registerSecret(Buffer.from(v, 'base64').toString('utf8'));
    if (s.type === 'kubernetes.io/dockerconfigjson' || s.type === 'kubernetes.io/dockercfg') names.push(s.metadata.name);
  }
  return names;
}

async function checkDataset(o: LiveSourceOptions, url: string, preset: string): Promise<DatasetVerdict> {
  const { validateDataset } = await import('../../dataset/index.js');
  try {
    const report = await validateDataset(url, {
      preset,
      env: o.env,
      maxBytes: 256 * 1024 * 1024,
      maxProblems: 3,
      http: { timeoutMs: 20_000, idleTimeoutMs: 20_000, deadlineMs: 120_000 },
    });
    if (report.valid) {
      const warn = report.warnings ? `, ${report.warnings} warning(s): see \`kaito dataset validate ${url}\`` : '';
      const size = !report.truncated && report.stats.tokens ? { tokens: report.stats.tokens.total, records: report.stats.records, bytes: report.stats.bytes } : undefined;
      return { note: `✓ ${report.stats.records} records (${report.format ?? 'unknown format'})${report.truncated ? ', first 256 MiB checked' : ''}${warn}`, size };
    }
    const first = report.problems.find((p) => p.severity === 'error');
    return { problem: `is not a dataset Kaito can train on: ${report.errors} error(s)${first ? `, first at record ${first.record}: ${first.message}` : ''} (see \`kaito dataset validate URL\`)` };
  } catch (e) {
    // the file is wrong (404, an HTML page, not a dataset): refuse; the network is down: accept and say so
    if (e instanceof UsageError) return { problem: e.message };
    return { note: `could not check the dataset now (${e instanceof KaitoError ? e.message : (e as Error).message}); \`kaito tune\` checks it again` };
  }
}
