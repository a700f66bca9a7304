// Drives `kaito init`'s run() in-process with a scripted prompter and fake lookups.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createContext } from '../../../src/cli/context.js';
import type { GlobalOptions } from '../../../src/cli/globals.js';
import { run, type InitOptions } from '../../../src/commands/init/init.js';
import type { InitSources } from '../../../src/commands/init/sources.js';
import { createIOStreams } from '../../../src/ui/iostreams.js';
import { createScriptedPrompter, type ScriptedAnswer, type ScriptedPrompter } from '../../../src/ui/prompts.js';

export const SUB = '11111111-2222-3333-4444-555555555555';

export function tmpProject(): string {
  return mkdtempSync(join(tmpdir(), 'kaito-init-'));
}

export interface InitRun {
  code: number;
  stdout: string;
  stderr: string;
  prompter?: ScriptedPrompter;
}

export async function runInit(opts: {
  dir: string;
  answers?: ScriptedAnswer[];
  /** false: no prompter at all (--no-input) */
  interactive?: boolean;
  flags?: InitOptions;
  globals?: Partial<GlobalOptions>;
  sources?: InitSources;
  env?: NodeJS.ProcessEnv;
}): Promise<InitRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const io = createIOStreams({ stdin: new PassThrough(), stdout, stderr, env: opts.env ?? {} });
  const globals: GlobalOptions = { input: true, color: false, ...opts.globals };
  const ctx = createContext(io, globals, new AbortController().signal, opts.dir);
  const prompter = opts.interactive === false ? undefined : createScriptedPrompter(opts.answers ?? []);
  const code = await run(ctx, opts.flags ?? {}, [], { prompter, sources: opts.sources ?? {}, cwd: opts.dir });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err, prompter };
}

/** Lookups as a reachable cluster and a logged-in Azure account would answer them. */
export function fakeSources(over: Partial<InitSources> = {}): InitSources & { datasetChecks: string[] } {
  const datasetChecks: string[] = [];
  return {
    datasetChecks,
    azure: async () => ({
      clusters: async () => [
        { name: 'aks-dev', resourceGroup: 'rg-dev', location: 'westeurope' },
        { name: 'aks-gpu', resourceGroup: 'rg-ml', location: 'eastus' },
      ],
      agentPools: async () => [
        { name: 'system', vmSize: 'Standard_D4s_v5' },
        { name: 'gpua10', vmSize: 'Standard_NV36ads_A10_v5' },
        // made by Kaito's gpu-provisioner for a workspace: not offered (issue 17 item 11)
        { name: 'ws4f1c2a9e0', vmSize: 'Standard_NV36ads_A10_v5', kaitoWorkspace: 'ml/inf1' },
      ],
      quotas: async () => [
        { family: 'standardNVADSA10v5Family', limit: 72, used: 36 },
        { family: 'standardNCADSA100v4Family', limit: 0, used: 0 },
      ],
    }),
    kubeContexts: async () => ({
      names: ['kind-local', 'aks-gpu'],
      current: 'kind-local',
      namespaceOf: (c) => (c === 'aks-gpu' ? 'ml' : undefined),
      source: '/home/me/.kube/config',
    }),
    pushSecrets: async () => ['acr-push', 'ghcr-push'],
    checkDataset: async (url) => {
      datasetChecks.push(url);
      return url.includes('broken') ? { problem: 'is not a dataset Kaito can train on: 3 error(s)' } : { note: '✓ 120 records (messages)' };
    },
    ...over,
  };
}
