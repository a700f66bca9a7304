// A minimal HTTPS host for the ARM emulator (until the full sandbox server is in): a CA-signed cert from
// openssl, a SandboxContext with a real ObjectStore and clock, and every request routed to the emulator.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { createArmEmulator, type ArmEmulator } from '../../../../src/sandbox/arm/index.js';
import { createClock, parseFaults, type KaitoVersion, type SandboxContext } from '../../../../src/sandbox/context.js';
import { PodLogs } from '../../../../src/sandbox/logs.js';
import { ObjectStore } from '../../../../src/sandbox/store.js';
import { AzureSession } from '../../../../src/azure/session.js';
import { resolveArmCloud } from '../../../../src/azure/cloud.js';

export interface ArmHarness {
  ctx: SandboxContext;
  arm: ArmEmulator;
  baseUrl: string;
  ca: string;
  caFile: string;
  dir: string;
  /** writes a kubeconfig whose server is `server` (default: this host) and returns its path */
  kubeconfig(server?: string): string;
  /** a session as the CLI builds it, with the app's client secret (Entra emulator) */
  session(opts?: { maxRetries?: number }): AzureSession;
  close(): Promise<void>;
}

let pki: { dir: string; ca: string; cert: string; key: string } | undefined;

function makePki() {
  if (pki) return pki;
  const dir = mkdtempSync(join(tmpdir(), 'kaito-arm-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kaito-test-ca']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '2', '-extfile', 'ext.cnf']);
  pki = { dir, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), cert: readFileSync(join(dir, 'srv.crt'), 'utf8'), key: readFileSync(join(dir, 'srv.key'), 'utf8') };
  return pki;
}

export async function startArm(opts: { speed?: number; faults?: string[]; kaitoVersion?: KaitoVersion } = {}): Promise<ArmHarness> {
  const p = makePki();
  const ac = new AbortController();
  let base = '';
  const ctx: SandboxContext = {
    store: new ObjectStore(),
    podLogs: new PodLogs(),
    clock: createClock(opts.speed ?? 1000, ac.signal),
    faults: parseFaults(opts.faults ?? []),
    kaitoVersion: opts.kaitoVersion ?? '0.12',
    nodeProvisioner: 'azure-gpu-provisioner',
    nodeProvisioning: 'nap',
    azure: { subscriptionId: '00000000-0000-0000-0000-0000000000aa', resourceGroup: 'kaito-rg', clusterName: 'kaito-aks', location: 'eastus', nodeResourceGroup: 'MC_kaito-rg_kaito-aks_eastus' },
    baseUrl: () => base,
    datasetHost: 'datasets.kaito.test',
    caPem: '',
    requestLog: [],
    adapterImages: new Map(),
    signal: ac.signal,
    log: () => {},
  };
  const arm = createArmEmulator(ctx);
  const server: Server = createServer({ cert: p.cert, key: p.key }, (req, res) => {
    if (arm.claims(req.url ?? '/')) return arm.handle(req, res);
    // just enough Kubernetes API for "which workspaces use this pool" (the full sandbox serves the rest)
    if ((req.url ?? '').split('?')[0] === '/apis/kaito.sh/v1beta1/workspaces') {
      const body = JSON.stringify({ apiVersion: 'kaito.sh/v1beta1', kind: 'WorkspaceList', metadata: {}, items: ctx.store.list('kaito.sh/workspaces').items });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'kaito-arm-'));
  return {
    ctx,
    arm,
    baseUrl: base,
    ca: p.ca,
    caFile: join(p.dir, 'ca.crt'),
    dir,
    kubeconfig(server) {
      const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
      const ca = Buffer.from(p.ca).toString('base64');
      writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: sandbox\n  cluster:\n    server: ${server ?? base}\n    certificate-authority-data: ${ca}\ncontexts:\n- name: sandbox\n  context: {cluster: sandbox, user: dev, namespace: default}\ncurrent-context: sandbox\nusers:\n- name: dev\n  user: {token: sandbox-token}\n`, { mode: 0o600 });
      return file;
    },
    session(o = {}) {
      const credential = new ClientSecretCredential(arm.entra.tenantId, arm.entra.clientId, arm.entra.clientSecret, {
        authorityHost: base,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: p.ca } as never,
      });
      return new AzureSession({ cloud: resolveArmCloud(base, { AZURE_AUTHORITY_HOST: base }), credential, ca: p.ca, pollIntervalMs: 50, maxRetries: o.maxRetries });
    },
    async close() {
      ac.abort(new Error('stopped'));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
