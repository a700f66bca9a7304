// Loads the kubeconfig the way kubectl does: --kubeconfig, else KUBECONFIG (several files merged, the
// first current-context wins), else ~/.kube/config, else in-cluster. Never a silent localhost:8080.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from './k8s.js';
import { proxyFor } from '../net/proxy-env.js';
import { UsageError } from '../errors.js';
import type { ClusterTarget } from './target.js';

export interface LoadedKubeConfig {
  kc: k8s.KubeConfig;
  contextName: string;
  namespace: string;
  server: string;
  /** where it came from, for messages */
  source: string;
  insecure: boolean;
}

export function loadKubeConfig(target: ClusterTarget, env: NodeJS.ProcessEnv = process.env): LoadedKubeConfig {
  const kc = new k8s.KubeConfig();
  let source: string;
  try {
    if (target.kubeconfig) {
      if (!existsSync(target.kubeconfig)) throw new UsageError(`kubeconfig ${target.kubeconfig} not found`, 'pass an existing file to --kubeconfig');
      kc.loadFromFile(target.kubeconfig);
      source = target.kubeconfig;
    } else if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(':').filter((f) => f && existsSync(f));
      if (files.length === 0) throw new UsageError(`no kubeconfig file found in KUBECONFIG=${env.KUBECONFIG}`, 'point KUBECONFIG at an existing file, e.g. run `az aks get-credentials`');
      // loadFromDefault merges the files; `true` keeps the first file's current-context, like kubectl
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = files.join(':');
      try {
        kc.loadFromDefault(undefined, true);
      } finally {
        process.env.KUBECONFIG = saved;
      }
      source = files.join(':');
    } else if (existsSync(join(env.HOME ?? homedir(), '.kube', 'config'))) {
      source = join(env.HOME ?? homedir(), '.kube', 'config');
      kc.loadFromFile(source);
    } else if (env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
      kc.loadFromCluster();
      source = 'in-cluster service account';
    } else {
      throw new UsageError(
        'no kubeconfig: --kubeconfig, KUBECONFIG and ~/.kube/config are all missing, and this is not a pod',
        'get credentials (e.g. `az aks get-credentials -g RG -n CLUSTER`) or try the local sandbox: `kaito sandbox start`',
      );
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the kubeconfig: ${(e as Error).message.split('\n')[0]}`, 'fix the file or pass another one with --kubeconfig');
  }
  if (target.context) {
    if (!kc.getContextObject(target.context)) {
      const names = kc.getContexts().map((c) => c.name);
      const from = target.contextFrom && target.contextFrom !== '--context' ? ` (from ${target.contextFrom})` : '';
      throw new UsageError(`kube context "${target.context}"${from} not found in ${source}`, names.length ? `use one of: ${names.join(', ')}` : 'the kubeconfig has no contexts');
    }
    kc.setCurrentContext(target.context);
  }
  const contextName = kc.getCurrentContext();
  const ctxObj = contextName ? kc.getContextObject(contextName) : null;
  let cluster = kc.getCurrentCluster();
  if (!cluster) throw new UsageError(`the kubeconfig ${source} has no current context/cluster`, 'pick one with --context NAME or `kubectl config use-context`');
  // issue 17 item 3: HTTPS_PROXY / NO_PROXY as kubectl reads them, unless the kubeconfig names its own proxy-url
  const envProxy = cluster.proxyUrl ? undefined : proxyFor(cluster.server, env);
  if (envProxy) {
    const withProxy = { ...cluster, proxyUrl: envProxy };
    const i = kc.clusters.findIndex((c) => c.name === cluster!.name);
    if (i >= 0) (kc.clusters as k8s.Cluster[])[i] = withProxy;
    cluster = withProxy;
  }
  return {
    kc,
    contextName,
    namespace: target.namespace ?? ctxObj?.namespace ?? 'default',
    server: cluster.server,
    source,
    insecure: Boolean(cluster.skipTLSVerify),
  };
}
