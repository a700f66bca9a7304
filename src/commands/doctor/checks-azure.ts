// Azure-side doctor checks, through the same port `kaito nodepool` uses (src/azure/): the credential
// works (and which one it is), the AKS cluster is found (flags/env/kaito.yaml, else the one behind the kube
// context), the AI toolchain operator add-on state, and the regional GPU quota for the configured SKU.
// Without a subscription there is no Azure target at all: every check is skipped (not failed) with how to
// turn them on, so doctor still passes on a plain Kubernetes cluster with a self-installed Kaito.
import type { CommandContext } from '../../cli/context.js';
import { parseAuthMethod, type AuthMethod } from '../../azure/credential.js';
import { toAzureError } from '../../azure/errors.js';
import { checkQuota, describeShortfall } from '../../azure/quota.js';
import type { AzureSession } from '../../azure/session.js';
import { findVmSku } from '../../azure/skus.js';
import { kubeServerHost, listClusters, resolveAksTarget, type AksTarget } from '../../azure/target.js';
import { registerSecret } from '../../ui/redact.js';
import type { Check, CheckGroup, CheckResult } from './check.js';

export interface AzureCheckOptions {
  /** --instance-type: the SKU whose quota to check */
  instanceType?: string;
  /** --auth */
  auth?: string;
}

export interface AzureState {
  /** set when the group cannot run at all (no subscription): every check reports it as skipped */
  off?: string;
  session?: AzureSession;
  target?: AksTarget;
}

const ENABLE_HINT = 'pass --subscription ID (or set AZURE_SUBSCRIPTION_ID, or run `kaito init`) to check Azure access, the AKS cluster and GPU quota';
const skip = (detail: string, hint?: string): CheckResult => ({ status: 'skip', detail, ...(hint ? { hint } : {}) });
const failFrom = (e: unknown, what: string, s?: AzureSession): CheckResult => {
  const err = toAzureError(e, what, s?.cloud.endpoint);
  return { status: 'fail', detail: err.message, hint: err.hint };
};

const CREDENTIAL_NAMES: Record<AuthMethod, string> = {
  default: 'DefaultAzureCredential',
  cli: 'Azure CLI (az)',
  env: 'environment (AZURE_CLIENT_ID + secret or certificate)',
  workload: 'workload identity (federated token file)',
  'managed-identity': 'managed identity',
};

/** Which credential the user gets; for the default chain, what AZURE_TOKEN_CREDENTIALS narrows it to. */
export function credentialName(method: AuthMethod, env: NodeJS.ProcessEnv): string {
  if (method !== 'default') return `--auth ${method}: ${CREDENTIAL_NAMES[method]}`;
  const narrowed = env.AZURE_TOKEN_CREDENTIALS?.trim();
  if (narrowed) return `DefaultAzureCredential narrowed to ${narrowed} (AZURE_TOKEN_CREDENTIALS)`;
  return 'DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, ... first that works)';
}

/** Who the token says we are: a user name or an app id, read from the (unverified) JWT payload. */
export function tokenIdentity(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const user = claims.upn ?? claims.unique_name ?? claims.preferred_username;
    if (typeof user === 'string' && user) return `user ${user}`;
    const app = claims.appid ?? claims.azp;
    if (typeof app === 'string' && app) return `app ${app}`;
    if (typeof claims.oid === 'string') return `principal ${claims.oid}`;
  } catch {
    // not a JWT (some clouds, some test doubles): the credential name alone says enough
  }
  return undefined;
}

function credentialCheck(o: AzureCheckOptions): Check<AzureState> {
  return {
    id: 'azure-credential',
    title: 'Azure credentials',
    async run(ctx, s) {
      const t = ctx.target();
      if (!t.subscription) {
        s.off = 'no Azure subscription configured';
        return skip(`${s.off}: Azure checks skipped`, ENABLE_HINT);
      }
      let method: AuthMethod;
      try {
        method = parseAuthMethod(o.auth ?? ctx.io.env.KAITO_AZURE_AUTH);
        s.session = await ctx.arm(o.auth);
      } catch (e) {
        return failFrom(e, 'setting up the Azure credential');
      }
      const name = credentialName(method, ctx.io.env);
      try {
        const tok = await s.session.credential.getToken(s.session.cloud.scope, { abortSignal: ctx.signal });
        if (!tok?.token) throw Object.assign(new Error(`${name} returned no token`), { name: 'CredentialUnavailableError' });
        registerSecret(tok.token);
        const who = tokenIdentity(tok.token);
        return { status: 'ok', detail: `${name}${who ? ` as ${who}` : ''}; token for ${s.session.cloud.endpoint} (${s.session.cloud.name})` };
      } catch (e) {
        const r = failFrom(e, `getting a token with ${name}`, s.session);
        s.session = undefined;
        return r;
      }
    },
  };
}

const cluster: Check<AzureState> = {
  id: 'aks-cluster',
  title: 'AKS cluster',
  async run(ctx, s) {
    if (s.off) return skip('Azure checks skipped');
    if (!s.session) return skip('no working Azure credential');
    const session = s.session;
    try {
      s.target = await resolveAksTarget(session, { target: ctx.target(), env: ctx.io.env, signal: ctx.signal, debug: (m) => ctx.debug(m) });
    } catch (e) {
      return failFrom(e, 'finding the AKS cluster', session);
    }
    const t = s.target;
    const where = `${t.resourceGroup}/${t.cluster} in ${t.location} (subscription ${t.subscription})`;
    if (t.discovered) return { status: 'ok', detail: `${where}, found as the cluster behind the kube context` };
    // named by flags/env/kaito.yaml: say whether the kube context talks to the same cluster
    const kube = await kubeServerHost(ctx.target(), ctx.io.env, (m) => ctx.debug(m));
    if (!kube) return { status: 'ok', detail: `${where} (no kube context to compare with)` };
    try {
      const mc = (await listClusters(session, t.subscription, t.resourceGroup, ctx.signal)).find((c) => c.name.toLowerCase() === t.cluster.toLowerCase());
      if (mc && mc.fqdns.length && !mc.fqdns.includes(kube.host))
        return {
          status: 'warn',
          detail: `${where}, but kube context ${kube.context} points at ${kube.host}, not at its API server (${mc.fqdns[0]})`,
          hint: `\`az aks get-credentials -g ${t.resourceGroup} -n ${t.cluster}\`, or pass --context / --cluster so both name the same cluster`,
        };
    } catch (e) {
      ctx.debug(`cannot compare the kube context with the cluster: ${(e as Error).message}`);
    }
    return { status: 'ok', detail: `${where}, the cluster behind kube context ${kube.context}` };
  },
};

const addon: Check<AzureState> = {
  id: 'ai-toolchain-operator',
  title: 'AI toolchain operator add-on',
  async run(_ctx, s) {
    if (s.off) return skip('Azure checks skipped');
    if (!s.target) return skip('no AKS cluster');
    const t = s.target;
    // both are valid set-ups; what matters is knowing which Kaito the cluster runs and who upgrades it
    if (t.aiToolchainOperator)
      return { status: 'ok', detail: 'enabled: the managed Kaito add-on (Kaito ~0.6 + gpu-provisioner in kube-system, upgraded by AKS; no workspace state, the CLI reads the tuning Job itself)' };
    return { status: 'ok', detail: 'not enabled: Kaito is self-installed (Helm) or absent; `az aks update --enable-ai-toolchain-operator --enable-oidc-issuer` would install the managed Kaito ~0.6 instead' };
  },
};

/** The SKU to check: --instance-type, else kaito.yaml tune/deploy instanceType, else the vmSize of kaito.yaml's node pool. */
async function configuredSku(ctx: CommandContext, s: AzureState, o: AzureCheckOptions): Promise<{ sku?: string; from?: string; pool?: string }> {
  if (o.instanceType) return { sku: o.instanceType, from: '--instance-type' };
  const p = ctx.project().config;
  if (p.tune?.instanceType) return { sku: p.tune.instanceType, from: 'kaito.yaml tune.instanceType' };
  if (p.deploy?.instanceType) return { sku: p.deploy.instanceType, from: 'kaito.yaml deploy.instanceType' };
  const pool = p.tune?.nodepool ?? p.deploy?.nodepool;
  if (pool && s.session && s.target) {
    const info = await (await ctx.nodePools(o.auth)).get(pool, ctx.signal);
    if (info) return { sku: info.vmSize, from: `node pool ${pool} (kaito.yaml)`, pool };
  }
  return {};
}

function quotaCheck(o: AzureCheckOptions): Check<AzureState> {
  return {
    id: 'gpu-quota',
    title: 'GPU quota',
    async run(ctx, s) {
      if (s.off) return skip('Azure checks skipped');
      if (!s.session || !s.target) return skip('no AKS cluster');
      const session = s.session;
      const t = s.target;
      let want: Awaited<ReturnType<typeof configuredSku>>;
      try {
        want = await configuredSku(ctx, s, o);
      } catch (e) {
        return failFrom(e, 'reading the configured node pool', session);
      }
      if (!want.sku) return skip('no GPU SKU configured', 'pass --instance-type SKU (or set tune.instanceType in kaito.yaml) to check its quota');
      const sku = findVmSku(want.sku);
      if (!sku?.gpus) return { status: 'fail', detail: `${want.sku} (from ${want.from}) is not a GPU size Kaito supports`, hint: 'see `kaito presets show PRESET` for the SKUs that fit' };
      let q;
      try {
        q = await checkQuota(session, t.subscription, t.location, sku.name, 1, ctx.signal);
      } catch (e) {
        return failFrom(e, `reading the vCPU quota of ${t.location}`, session);
      }
      const label = `${sku.name} (from ${want.from})`;
      if (q.ok) return { status: 'ok', detail: `${label}: one node needs ${q.needed} vCPUs of ${q.family} in ${q.location}, ${q.free} of ${q.limit} free` };
      // an existing pool already holds its nodes: only adding more is blocked
      if (want.pool) return { status: 'warn', detail: `${label}: its nodes exist, but one more ${describeShortfall(q)}`, hint: 'scaling the pool up needs more quota' };
      return { status: 'fail', detail: `${label}: ${describeShortfall(q)}`, hint: 'request the increase, or choose an --instance-type of another family (`kaito presets show PRESET` lists the fits)' };
    },
  };
}

export function azureChecks(o: AzureCheckOptions = {}): CheckGroup<AzureState> {
  return { name: 'azure', init: () => ({}), checks: [credentialCheck(o), cluster, addon, quotaCheck(o)] };
}
