// startSandbox(): the whole emulated environment in this process. One HTTPS server (kube API, ARM,
// dataset host), the object store with the cluster's initial objects, the Kaito controller and
// gpu-provisioner, the inference emulator; kubeconfig, env and CA files in the state directory.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { registerSecret } from '../ui/redact.js';
import { armEnv, createArmEmulator } from './arm/index.js';
import { createPki, type SandboxCa, type SandboxPki } from './certs.js';
import { createClock, parseFaults, resolveNodeProvisioner, type KaitoVersion, type NodeProvisioner, type NodeProvisioning, type SandboxContext } from './context.js';
import { createKaitoController } from './controller/index.js';
import { createInferenceEmulator } from './inference/index.js';
import { createSandboxRegistry, REGISTRY_HOST } from './registry.js';
import { createDatasetHost } from './datasets.js';
import { createKubeApi } from './kube/api.js';
import { installInitialObjects } from './kube/bootstrap.js';
import type { InferenceTarget } from './kube/proxy.js';
import { PodLogs } from './logs.js';
import { startServer } from './server.js';
import { ObjectStore } from './store.js';
import { createPricesEmulator, PRICES_PATH } from './prices.js';

export interface SandboxOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default ~/.kaito/sandbox */
  stateDir?: string;
  kaitoVersion?: KaitoVersion;
  /** v0.11+: azure-gpu-provisioner (default) | karpenter | byo; v0.10: azure-gpu-provisioner | byo (the gate); v0.6: azure-gpu-provisioner */
  nodeProvisioner?: NodeProvisioner;
  /** alias: nap = azure-gpu-provisioner, byo = byo */
  nodeProvisioning?: NodeProvisioning;
  /** emulated time runs this many times faster than real time (default 60) */
  speed?: number;
  /** --fault specs */
  faults?: string[];
  log?: (line: string) => void;
  /** sign with this CA instead of a fresh one (in-process tests, whose process trusts it from the start) */
  ca?: SandboxCa;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  stateDir: string;
  kubeconfigPath: string;
  envFile: string;
  /** what `kaito sandbox env` exports */
  env: Record<string, string>;
  caPem: string;
  /** the bearer token of the kubeconfig user */
  token: string;
  /** issues a client certificate the sandbox CA signs (tests: expired, not yet valid) */
  issueClientCert: SandboxPki['issueClient'];
  ctx: SandboxContext;
  /** TLS connections open to the sandbox right now */
  connections(): number;
  stop(): Promise<void>;
}

export const DATASET_HOST = 'datasets.kaito-sandbox.test';
export const CONTEXT_NAME = 'kaito-sandbox';
/** The state file `kaito sandbox status` reads: who runs the sandbox and where. */
export const STATE_FILE = 'sandbox.json';

export function defaultStateDir(): string {
  return join(homedir(), '.kaito', 'sandbox');
}

/** Users of the other two kinds a real AKS kubeconfig has (issue 17 item 18): a client certificate
 *  (`az aks get-credentials --admin`, local accounts) and an exec plugin (Entra ID clusters run kubelogin). */
export interface ExtraUsers {
  client?: { certPem: string; keyPem: string };
  /** an ExecCredential plugin: `command args...` prints the token */
  exec?: { command: string; args: string[] };
}

export const CERT_CONTEXT = `${CONTEXT_NAME}-cert`;
export const EXEC_CONTEXT = `${CONTEXT_NAME}-exec`;

export function kubeconfigYaml(url: string, caPem: string, token: string, extra: ExtraUsers = {}): string {
  const users: unknown[] = [{ name: CONTEXT_NAME, user: { token } }];
  const contexts: unknown[] = [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: 'default' } }];
  if (extra.client) {
    users.push({ name: CERT_CONTEXT, user: { 'client-certificate-data': Buffer.from(extra.client.certPem).toString('base64'), 'client-key-data': Buffer.from(extra.client.keyPem).toString('base64') } });
    contexts.push({ name: CERT_CONTEXT, context: { cluster: CONTEXT_NAME, user: CERT_CONTEXT, namespace: 'default' } });
  }
  if (extra.exec) {
    users.push({ name: EXEC_CONTEXT, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: extra.exec.command, args: extra.exec.args, interactiveMode: 'Never', provideClusterInfo: false } } });
    contexts.push({ name: EXEC_CONTEXT, context: { cluster: CONTEXT_NAME, user: EXEC_CONTEXT, namespace: 'default' } });
  }
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users,
    contexts,
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

/** The exec credential plugin the sandbox ships: a tiny node script printing an ExecCredential with the token it reads. */
function execPluginScript(tokenFile: string): string {
  return `// kaito sandbox exec credential plugin (like kubelogin): prints a client.authentication.k8s.io/v1 ExecCredential
const { readFileSync } = require('node:fs');
const token = readFileSync(${JSON.stringify(tokenFile)}, 'utf8').trim();
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } }));
`;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const ac = new AbortController();
  // every watch, log stream and emulated sleep listens on it
  setMaxListeners(0, ac.signal);
  let baseUrl = 'https://127.0.0.1:0';
  const speed = opts.speed ?? 60;
  const kaitoVersion = opts.kaitoVersion ?? '0.12';
  const nodeProvisioner = resolveNodeProvisioner(kaitoVersion, opts.nodeProvisioner, opts.nodeProvisioning);
  const pki = await createPki(['localhost', DATASET_HOST, REGISTRY_HOST], opts.ca);
  const ctx: SandboxContext = {
    store: new ObjectStore(),
    podLogs: new PodLogs(),
    clock: createClock(speed, ac.signal),
    faults: parseFaults(opts.faults),
    kaitoVersion,
    nodeProvisioner,
    nodeProvisioning: nodeProvisioner === 'byo' ? 'byo' : 'nap',
    azure: {
      subscriptionId: '5a1d8b3e-0c2f-4e7a-9b61-7c0d5a17e001',
      resourceGroup: 'kaito-sandbox-rg',
      clusterName: 'kaito-sandbox',
      location: 'eastus',
      nodeResourceGroup: 'MC_kaito-sandbox-rg_kaito-sandbox_eastus',
    },
    baseUrl: () => baseUrl,
    datasetHost: DATASET_HOST,
    caPem: pki.caPem,
    requestLog: [],
    adapterImages: new Map(),
    signal: ac.signal,
    log: (component, message) => opts.log?.(`[${component}] ${message}`),
  };
  const token = randomBytes(24).toString('base64url');
  registerSecret(token);

  installInitialObjects(ctx);
  const arm = createArmEmulator(ctx);
  const datasets = createDatasetHost(ctx);
  const inference: InferenceTarget = createInferenceEmulator(ctx);
  const kube = createKubeApi(ctx, { token, inference });
  const prices = createPricesEmulator(ctx);
  ctx.ociRegistry = createSandboxRegistry(ctx, arm.entra);
  const running = await startServer(pki, { datasetHost: DATASET_HOST, datasets, registryHost: REGISTRY_HOST, registry: ctx.ociRegistry, arm, kube, prices }, opts.port ?? 0, ctx.faults);
  baseUrl = `https://127.0.0.1:${running.port}`;
  // gpu-provisioner creates agent pools through the ARM emulator, which creates the Nodes
  const controller = createKaitoController(ctx, { agentPools: arm });

  const kubeconfigPath = join(stateDir, 'kubeconfig');
  const caPath = join(stateDir, 'ca.crt');
  const envFile = join(stateDir, 'env');
  const secure = (path: string, text: string) => {
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(path, 0o600);
  };
  // the exec plugin reads the token from its own 0600 file, as kubelogin reads its cache
  const tokenFile = join(stateDir, 'exec-token');
  const pluginPath = join(stateDir, 'exec-credential.cjs');
  secure(tokenFile, token + '\n');
  writeFileSync(pluginPath, execPluginScript(tokenFile), { mode: 0o644 });
  secure(kubeconfigPath, kubeconfigYaml(baseUrl, pki.caPem, token, { client: { certPem: pki.clientCertPem, keyPem: pki.clientKeyPem }, exec: { command: process.execPath, args: [pluginPath] } }));
  writeFileSync(caPath, pki.caPem, { mode: 0o644 });
  const env: Record<string, string> = {
    KUBECONFIG: kubeconfigPath,
    NODE_EXTRA_CA_CERTS: caPath,
    AZURE_SUBSCRIPTION_ID: ctx.azure.subscriptionId,
    KAITO_RESOURCE_GROUP: ctx.azure.resourceGroup,
    KAITO_CLUSTER: ctx.azure.clusterName,
    KAITO_ARM_ENDPOINT: baseUrl,
    KAITO_RESOLVE: `${DATASET_HOST}=127.0.0.1,${REGISTRY_HOST}=127.0.0.1`,
    // issue 14: the emulated Azure Retail Prices API
    KAITO_PRICES_ENDPOINT: `${baseUrl}${PRICES_PATH}`,
    // issue 13: the sandbox registry answers like ACR, so the CLI exchanges its Entra token there
    KAITO_ACR_HOSTS: REGISTRY_HOST,
    // the ARM emulator's credential path (workload identity against the emulated Entra ID)
    ...armEnv(arm, { baseUrl, stateDir, subscriptionId: ctx.azure.subscriptionId }).env,
  };
  secure(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const statePath = join(stateDir, STATE_FILE);
  writeFileSync(
    statePath,
    JSON.stringify({ pid: process.pid, url: baseUrl, port: running.port, startedAt: new Date().toISOString(), kaitoVersion: ctx.kaitoVersion, nodeProvisioner: ctx.nodeProvisioner, nodeProvisioning: ctx.nodeProvisioning, speed, faults: opts.faults ?? [] }, null, 2) + '\n',
  );
  ctx.log('sandbox', `serving on ${baseUrl} (state in ${stateDir})`);

  let stopped: Promise<void> | undefined;
  return {
    url: baseUrl,
    port: running.port,
    stateDir,
    kubeconfigPath,
    envFile,
    env,
    caPem: pki.caPem,
    token,
    issueClientCert: pki.issueClient,
    ctx,
    connections: () => running.connections(),
    stop() {
      stopped ??= (async () => {
        ac.abort(new Error('sandbox stopped'));
        controller.stop();
        kube.stop();
        await running.close();
        rmSync(statePath, { force: true });
      })();
      return stopped;
    },
  };
}
