// An in-process sandbox for the reliability campaign (no vitest import: bench/campaign.mjs bundles this).
// Emulated time runs fast, GPU quota is raised so that every run of a campaign fits, and HOME is isolated.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import type { KObject } from '../../src/sandbox/store.js';

export interface CampaignSandbox extends Sandbox {
  cliEnv: NodeJS.ProcessEnv;
  home: string;
  root: string;
  /** the secrets the sandbox itself hands out: kubeconfig bearer token, Azure federated token */
  sandboxSecrets: string[];
  dispose(): Promise<void>;
}

export const QUOTA = ['quota=standardNVADSA10v5Family:1000000', 'quota=standardNCADSA100v4Family:1000000'];

export async function startCampaignSandbox(faults: string[] = [], opts: SandboxOptions = {}): Promise<CampaignSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'kaito-rel-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const sb = await startSandbox({ port: 0, speed: 5000, stateDir: join(root, 'state'), ...opts, faults: [...QUOTA, ...faults] });
  const cliEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', NODE_OPTIONS: '', ...sb.env };
  const federated = sb.env.AZURE_FEDERATED_TOKEN_FILE ? readFileSync(sb.env.AZURE_FEDERATED_TOKEN_FILE, 'utf8').trim() : '';
  return Object.assign(sb, {
    cliEnv,
    home,
    root,
    sandboxSecrets: [sb.token, federated].filter(Boolean),
    async dispose() {
      await sb.stop();
      rmSync(root, { recursive: true, force: true });
    },
  });
}

export const RES = {
  workspaces: 'kaito.sh/workspaces',
  secrets: '/secrets',
  configmaps: '/configmaps',
  nodes: '/nodes',
  nodeclaims: 'karpenter.sh/nodeclaims',
  jobs: 'batch/jobs',
  statefulsets: 'apps/statefulsets',
  services: '/services',
} as const;

/** Every object of the kinds the CLI (and Kaito on its behalf) creates, as "kind ns/name@resourceVersion". */
export function snapshot(sb: Sandbox): string[] {
  const out: string[] = [];
  for (const [kind, res] of Object.entries(RES)) {
    for (const o of sb.ctx.store.list(res).items) out.push(`${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion ?? ''}`);
  }
  return out.sort();
}

export function list(sb: Sandbox, res: string, filter?: (o: KObject) => boolean): KObject[] {
  return sb.ctx.store.list(res, undefined, filter).items;
}

/** Requests that change something (kube writes that are not dry runs, ARM PUT/DELETE), from index `from` on. */
export function mutations(sb: Sandbox, from = 0): string[] {
  return sb.ctx.requestLog
    .slice(from)
    .filter((e) => (e.api === 'kube' && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method) && !/dryRun=All/.test(e.path) && e.status < 400) || (e.api === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method) && e.status < 400))
    .map((e) => `${e.api} ${e.method} ${e.path} ${e.status}`);
}

/** Waits (bounded) until the sandbox's open connections drop to `baseline`; returns how many stay open. */
export async function socketsAbove(sb: Sandbox, baseline: number, timeoutMs = 5000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (sb.connections() > baseline && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return Math.max(0, sb.connections() - baseline);
}
