// The sandbox's Azure Resource Manager: managed clusters, agent pools as long-running operations, Compute
// usages, and the Entra ID token endpoint that makes the CLI's normal credential path work against it.
//
// Discovery: the primary cluster's `fqdn` is the host of the sandbox's own HTTPS endpoint (127.0.0.1), the
// same host the sandbox kubeconfig's server uses, so "find the AKS cluster whose API server FQDN matches the
// kube context" works exactly as against Azure (where kubeconfig server == https://<fqdn>:443).
//
// Credentials (decided here, exported by armEnv()): workload identity, as AKS itself injects it into pods:
// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE (a file, mode 0600, never a value on a
// command line), AZURE_AUTHORITY_HOST = the sandbox, AZURE_TOKEN_CREDENTIALS=WorkloadIdentityCredential so
// DefaultAzureCredential never walks on to the managed-identity probe. The CLI disables MSAL instance
// discovery for authority hosts that are not Microsoft's public/sovereign ones (what Azure Stack needs too),
// so no request ever leaves 127.0.0.1.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxContext } from '../context.js';
import { familyDisplayName } from '../../azure/skus.js';
import { EntraEmulator } from './entra.js';
import { readBody, sendError, sendJson } from './http.js';
import { KUBELET_VERSION, PoolManager, type ClusterRecord, type Operation } from './pools.js';
import { ArmError, type AgentPool, type AgentPoolSpec, type ManagedCluster } from './types.js';

export { ArmError, type AgentPool, type AgentPoolSpec, type ManagedCluster } from './types.js';
export { DURATIONS } from './pools.js';
export type { EntraEmulator } from './entra.js';

export interface ArmEmulator {
  claims(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** In-process API for the gpu-provisioner: resolves when the pool is Succeeded, rejects with ArmError when it failed. */
  createAgentPool(name: string, spec: AgentPoolSpec): Promise<AgentPool>;
  /** Resolves when the pool and its Nodes are gone (also when it never existed). */
  deleteAgentPool(name: string): Promise<void>;
  getAgentPool(name: string): AgentPool | undefined;
  listAgentPools(): AgentPool[];
  /** The emulated Entra ID (tenant, app, token issuing) for tests and the sandbox's env file. */
  readonly entra: EntraEmulator;
  /** Another cluster in the subscription (tests of discovery). Its fqdn never matches the sandbox. */
  addManagedCluster(c: { resourceGroup: string; name: string; location?: string; fqdn: string }): void;
  /** Operations started so far (tests). */
  readonly operations: ReadonlyMap<string, Operation>;
}

const KUBERNETES_VERSION = KUBELET_VERSION.slice(1);
const SUB = '/subscriptions/([^/]+)';
const RG = '/resourcegroups/([^/]+)';
const MC = '/providers/microsoft\\.containerservice/managedclusters';
const ROUTES: Array<{ re: RegExp; name: string }> = [
  { re: /^\/subscriptions\/?$/i, name: 'subscriptions' },
  { re: new RegExp(`^${SUB}/?$`, 'i'), name: 'subscription' },
  { re: new RegExp(`^${SUB}${MC}/?$`, 'i'), name: 'clustersAll' },
  { re: new RegExp(`^${SUB}${RG}/?$`, 'i'), name: 'resourceGroup' },
  { re: new RegExp(`^${SUB}${RG}${MC}/?$`, 'i'), name: 'clustersRg' },
  { re: new RegExp(`^${SUB}${RG}${MC}/([^/]+)/?$`, 'i'), name: 'cluster' },
  { re: new RegExp(`^${SUB}${RG}${MC}/([^/]+)/agentpools/?$`, 'i'), name: 'pools' },
  { re: new RegExp(`^${SUB}${RG}${MC}/([^/]+)/agentpools/([^/]+)/?$`, 'i'), name: 'pool' },
  { re: new RegExp(`^${SUB}/providers/microsoft\\.containerservice/locations/([^/]+)/operations/([^/]+)/?$`, 'i'), name: 'operation' },
  { re: new RegExp(`^${SUB}/providers/microsoft\\.containerservice/locations/([^/]+)/operationresults/([^/]+)/?$`, 'i'), name: 'operationResult' },
  { re: new RegExp(`^${SUB}/providers/microsoft\\.compute/locations/([^/]+)/usages/?$`, 'i'), name: 'usages' },
];
const ENTRA = /^\/([0-9a-f-]{36}|common|organizations)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys|discovery\/instance)\/?$/i;

export function createArmEmulator(ctx: SandboxContext): ArmEmulator {
  const az = ctx.azure;
  const pools = new PoolManager(ctx);
  const entra = new EntraEmulator(az.subscriptionId);
  const host = () => new URL(ctx.baseUrl()).hostname;
  const primary: ClusterRecord = {
    subscriptionId: az.subscriptionId,
    resourceGroup: az.resourceGroup,
    name: az.clusterName,
    location: az.location,
    nodeResourceGroup: az.nodeResourceGroup,
    kubernetesVersion: KUBERNETES_VERSION,
    // the AKS add-on ships Kaito 0.6; a 0.12 sandbox emulates an OSS (Helm) install with the add-on off
    aiToolchainOperator: ctx.kaitoVersion === '0.6',
    fqdn: host,
    hasNodes: true,
    pools: new Map(),
  };
  pools.addCluster(primary);
  // every AKS cluster has a system pool; its Nodes appear unless someone already created them
  const system = pools.put(primary, 'nodepool1', { vmSize: 'Standard_D4s_v5', count: 2, mode: 'System', osSKU: 'Ubuntu' });
  const sysPool = primary.pools.get('nodepool1')!;
  sysPool.properties.provisioningState = 'Succeeded';
  pools.operations.delete(system.op!.id);
  pools.syncNodes(primary, sysPool);

  function clusterJson(c: ClusterRecord): ManagedCluster {
    const fqdn = c.fqdn();
    return {
      id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}`,
      name: c.name,
      type: 'Microsoft.ContainerService/ManagedClusters',
      location: c.location,
      sku: { name: 'Base', tier: 'Free' },
      identity: { type: 'SystemAssigned' },
      properties: {
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        kubernetesVersion: c.kubernetesVersion,
        currentKubernetesVersion: c.kubernetesVersion,
        dnsPrefix: `${c.name}-dns`,
        fqdn,
        azurePortalFQDN: fqdn,
        nodeResourceGroup: c.nodeResourceGroup,
        enableRBAC: true,
        aiToolchainOperatorProfile: { enabled: c.aiToolchainOperator },
        oidcIssuerProfile: { enabled: true, issuerURL: `https://${c.location}.oic.prod-aks.azure.com/${entra.tenantId}/${c.name}/` },
        agentPoolProfiles: [...c.pools.values()].map((p) => ({ name: p.name, ...p.properties })),
        networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', podCidr: '10.244.0.0/16', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10' },
      },
    };
  }

  function subscriptionJson() {
    return { id: `/subscriptions/${az.subscriptionId}`, subscriptionId: az.subscriptionId, tenantId: entra.tenantId, displayName: 'Kaito sandbox', state: 'Enabled', authorizationSource: 'RoleBased' };
  }

  function checkSubscription(s: string): void {
    if (s.toLowerCase() !== az.subscriptionId.toLowerCase()) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${s}' could not be found.`);
  }

  function checkResourceGroup(rg: string): void {
    const known = [...pools.clusters.values()].some((c) => c.resourceGroup.toLowerCase() === rg.toLowerCase());
    if (!known) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
  }

  /** Bearer token check, the way ARM answers: 401 for the token itself, 403 for a principal without a role. */
  function authenticate(req: IncomingMessage, action: string, scope: string): void {
    const h = req.headers.authorization;
    if (!h) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    const claims = entra.verify(m[1]);
    if (!claims) throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
      throw new ArmError(401, 'ExpiredAuthenticationToken', "The access token expiry UTC time is earlier than current UTC time.");
    const origin = new URL(ctx.baseUrl()).origin;
    const audiences = [origin, `${origin}/`, `https://${req.headers.host ?? ''}`, `https://${req.headers.host ?? ''}/`, 'https://management.azure.com', 'https://management.azure.com/', 'https://management.core.windows.net/'];
    if (!audiences.includes(String(claims.aud)))
      throw new ArmError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. It should exactly match with one of the allowed audiences '${origin}/', 'https://management.azure.com/'.`);
    if (claims.tid !== entra.tenantId)
      throw new ArmError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant 'https://sts.windows.net/${entra.tenantId}/' associated with this subscription.`);
    if (!entra.isAuthorized(String(claims.oid)))
      throw new ArmError(403, 'AuthorizationFailed', `The client '${String(claims.oid)}' with object id '${String(claims.oid)}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
  }

  function operationHeaders(req: IncomingMessage, op: Operation): Record<string, string> {
    const base = `https://${req.headers.host ?? new URL(ctx.baseUrl()).host}/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}`;
    return {
      'Azure-AsyncOperation': `${base}/operations/${op.id}?api-version=2016-03-30`,
      Location: `${base}/operationresults/${op.id}?api-version=2016-03-30`,
      'Retry-After': '1',
    };
  }

  function operationJson(op: Operation) {
    return { id: `/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}/operations/${op.id}`, name: op.id, status: op.status, startTime: op.startTime, ...(op.endTime ? { endTime: op.endTime } : {}), ...(op.error ? { error: op.error } : {}) };
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    let hit: { name: string; m: RegExpExecArray } | undefined;
    for (const r of ROUTES) {
      const m = r.re.exec(path);
      if (m) {
        hit = { name: r.name, m };
        break;
      }
    }
    if (ctx.faults.arm429 && Math.random() < ctx.faults.arm429) {
      sendError(res, new ArmError(429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits'), { 'Retry-After': '1' });
      return;
    }
    const scope = path.replace(/\/+$/, '');
    const write = method === 'PUT' ? 'write' : method === 'DELETE' ? 'delete' : 'read';
    const action = !hit ? `${method}` : hit.name === 'usages' ? 'Microsoft.Compute/locations/usages/read' : hit.name.startsWith('pool') ? `Microsoft.ContainerService/managedClusters/agentPools/${write}` : hit.name.startsWith('operation') ? 'Microsoft.ContainerService/locations/operations/read' : `Microsoft.ContainerService/managedClusters/${write}`;
    authenticate(req, action, scope);
    if (!url.searchParams.get('api-version'))
      throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!hit) throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace for path '${path}'.`);
    const m = hit.m;
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    };
    if (hit.name !== 'subscriptions') checkSubscription(m[1]);
    switch (hit.name) {
      case 'subscriptions':
        allow('GET');
        return sendJson(res, 200, { value: [subscriptionJson()], count: { type: 'Total', value: 1 } });
      case 'subscription':
        allow('GET');
        return sendJson(res, 200, subscriptionJson());
      case 'resourceGroup': {
        allow('GET');
        checkResourceGroup(m[2]);
        const c = [...pools.clusters.values()].find((x) => x.resourceGroup.toLowerCase() === m[2].toLowerCase())!;
        return sendJson(res, 200, { id: `/subscriptions/${az.subscriptionId}/resourceGroups/${c.resourceGroup}`, name: c.resourceGroup, type: 'Microsoft.Resources/resourceGroups', location: c.location, properties: { provisioningState: 'Succeeded' } });
      }
      case 'clustersAll':
        allow('GET');
        return sendJson(res, 200, { value: [...pools.clusters.values()].map(clusterJson) });
      case 'clustersRg':
        allow('GET');
        checkResourceGroup(m[2]);
        return sendJson(res, 200, { value: [...pools.clusters.values()].filter((c) => c.resourceGroup.toLowerCase() === m[2].toLowerCase()).map(clusterJson) });
      case 'cluster':
        allow('GET');
        checkResourceGroup(m[2]);
        return sendJson(res, 200, clusterJson(pools.cluster(m[1], m[2], m[3])));
      case 'pools':
        allow('GET');
        checkResourceGroup(m[2]);
        return sendJson(res, 200, { value: pools.listPools(pools.cluster(m[1], m[2], m[3])) });
      case 'pool': {
        allow('GET', 'PUT', 'DELETE');
        checkResourceGroup(m[2]);
        const c = pools.cluster(m[1], m[2], m[3]);
        const name = m[4];
        if (method === 'GET') return sendJson(res, 200, pools.getPool(c, name));
        if (method === 'DELETE') {
          const op = pools.delete(c, name);
          if (!op) return sendJson(res, 204, undefined);
          return sendJson(res, 202, undefined, operationHeaders(req, op));
        }
        const text = await readBody(req);
        let body: { properties?: AgentPoolSpec };
        try {
          body = JSON.parse(text) as { properties?: AgentPoolSpec };
        } catch {
          throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
        }
        const r = pools.put(c, name, body.properties as AgentPoolSpec);
        if (!r.op) return sendJson(res, 200, r.pool);
        return sendJson(res, r.created ? 201 : 200, r.pool, operationHeaders(req, r.op));
      }
      case 'operation': {
        allow('GET');
        const op = pools.operations.get(m[3]);
        if (!op) throw new ArmError(404, 'NotFound', `Operation '${m[3]}' was not found.`);
        return sendJson(res, 200, operationJson(op), op.status === 'InProgress' ? { 'Retry-After': '1' } : {});
      }
      case 'operationResult': {
        allow('GET');
        const op = pools.operations.get(m[3]);
        if (!op) throw new ArmError(404, 'NotFound', `Operation '${m[3]}' was not found.`);
        if (op.status === 'InProgress') return sendJson(res, 202, undefined, operationHeaders(req, op));
        if (op.status === 'Failed' || op.status === 'Canceled') return sendJson(res, 400, { error: op.error });
        return sendJson(res, 204, undefined);
      }
      case 'usages': {
        allow('GET');
        const loc = m[2];
        const used = pools.usage(az.subscriptionId, loc);
        return sendJson(res, 200, {
          value: pools.families().map((f) => ({ unit: 'Count', currentValue: used.get(f) ?? 0, limit: pools.limit(f), name: { value: f, localizedValue: familyDisplayName(f) } })),
        });
      }
    }
  }

  async function entraRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = ENTRA.exec(url.pathname)!;
    const tenant = m[1];
    const what = m[2].toLowerCase();
    const base = `https://${req.headers.host ?? new URL(ctx.baseUrl()).host}`;
    if (what === 'v2.0/.well-known/openid-configuration') return sendJson(res, 200, entra.openIdConfiguration(base, tenant));
    if (what === 'discovery/v2.0/keys') return sendJson(res, 200, { keys: [] });
    if (what === 'discovery/instance') {
      const h = new URL(base).host;
      return sendJson(res, 200, { tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [{ preferred_network: h, preferred_cache: h, aliases: [h] }] });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'AADSTS900561: The endpoint only accepts POST requests.' });
    const r = entra.token(tenant, new URLSearchParams(await readBody(req)));
    return sendJson(res, r.status, r.body);
  }

  const emulator: ArmEmulator = {
    entra,
    operations: pools.operations,
    claims(path) {
      const p = path.split('?')[0];
      return /^\/subscriptions(\/|$)/i.test(p) || ENTRA.test(p);
    },
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'https://arm.invalid');
      res.on('finish', () => {
        ctx.requestLog.push({ time: Date.now(), api: 'arm', method: req.method ?? 'GET', path: url.pathname, status: res.statusCode, userAgent: req.headers['user-agent'] });
      });
      const work = ENTRA.test(url.pathname) ? entraRoute(req, res, url) : route(req, res, url);
      work.catch((e: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (e instanceof ArmError) return sendError(res, e, e.status === 401 ? { 'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl()}/${entra.tenantId}", error="invalid_token", error_description="${e.code}"` } : {});
        ctx.log('arm', `internal error: ${(e as Error).stack ?? String(e)}`);
        sendError(res, new ArmError(500, 'InternalServerError', 'An internal error occurred in the sandbox ARM emulator.'));
      });
    },
    async createAgentPool(name, spec) {
      const r = pools.put(primary, name, spec);
      if (r.op) await r.op.done;
      if (r.op?.status === 'Failed' || r.op?.status === 'Canceled') throw new ArmError(400, r.op.error!.code, r.op.error!.message);
      return pools.getPool(primary, name);
    },
    async deleteAgentPool(name) {
      const op = pools.delete(primary, name);
      if (op) await op.done;
    },
    getAgentPool(name) {
      const p = primary.pools.get(name.toLowerCase());
      return p ? structuredClone(p) : undefined;
    },
    listAgentPools() {
      return pools.listPools(primary);
    },
    addManagedCluster(c) {
      pools.addCluster({
        subscriptionId: az.subscriptionId,
        resourceGroup: c.resourceGroup,
        name: c.name,
        location: c.location ?? az.location,
        nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${c.location ?? az.location}`,
        kubernetesVersion: KUBERNETES_VERSION,
        aiToolchainOperator: false,
        fqdn: () => c.fqdn,
        hasNodes: false,
        pools: new Map(),
      });
    },
  };
  return emulator;
}

/** The environment the sandbox exports (merged into DIR/env) so the CLI reaches this ARM with a workload-identity credential. */
export interface ArmEnvironment {
  env: Record<string, string>;
  /** the federated token file written under stateDir (mode 0600) */
  tokenFile: string;
}

/**
 * Writes DIR/azure-federated-token (0600) and returns the env keys the sandbox must export. The CA must be
 * trusted by the CLI process too (NODE_EXTRA_CA_CERTS, which the sandbox's env already points at its CA).
 */
export function armEnv(arm: ArmEmulator, opts: { baseUrl: string; stateDir: string; subscriptionId: string }): ArmEnvironment {
  const tokenFile = join(opts.stateDir, 'azure-federated-token');
  writeFileSync(tokenFile, arm.entra.issueFederatedToken(`${opts.baseUrl}/oidc`), { mode: 0o600 });
  chmodSync(tokenFile, 0o600);
  return {
    tokenFile,
    env: {
      AZURE_SUBSCRIPTION_ID: opts.subscriptionId,
      AZURE_TENANT_ID: arm.entra.tenantId,
      AZURE_CLIENT_ID: arm.entra.clientId,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: opts.baseUrl,
      AZURE_TOKEN_CREDENTIALS: 'WorkloadIdentityCredential',
      // no resource group / cluster: the CLI discovers the cluster behind the kube context, as on Azure
      KAITO_ARM_ENDPOINT: opts.baseUrl,
    },
  };
}
