// `kaito __complete WORD... CURRENT` (hidden): the candidates for the word being typed, one per line, for the shell
// scripts of `kaito completion` (issue 17 item 9). Like kubectl's __complete: subcommands and flags from the live
// command tree, values from the catalog (presets, VM sizes, flag choices), the kubeconfig (contexts) and, with a
// short deadline, the cluster (workspaces, namespaces, node pools). A first line `:file` asks the shell for file
// names instead. Nothing is ever printed on stderr: a completion that cannot reach the cluster offers nothing.
import type { Command, Option } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { buildProgram } from '../../main.js';

/** How long a completion may wait for the cluster. */
const LOOKUP_MS = 1500;

const FILE_FLAGS = new Set(['--kubeconfig', '--config', '--config-file', '--tuning-config', '--output-dir', '--state-dir', '--api-key', '--filename']);

type Lookup = 'workspaces' | 'tuning-workspaces' | 'inference-workspaces' | 'namespaces' | 'contexts' | 'nodepools';

function findOption(cmds: Command[], word: string): Option | undefined {
  for (const c of [...cmds].reverse()) {
    const o = c.options.find((x) => x.long === word || x.short === word);
    if (o) return o;
  }
  return undefined;
}

export async function candidates(ctx: CommandContext, words: string[]): Promise<string[]> {
  const program = buildProgram();
  const cur = words.length ? words[words.length - 1] : '';
  const before = words.slice(0, -1);
  // walk the command path; remember positional arguments and whether the last word is a flag waiting for its value
  const path: Command[] = [program];
  const positionals: string[] = [];
  let pendingValue: Option | undefined;
  for (const w of before) {
    if (pendingValue) {
      pendingValue = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const opt = findOption(path, w.split('=')[0]);
      if (opt?.required && !w.includes('=')) pendingValue = opt;
      continue;
    }
    const sub = path[path.length - 1].commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub && positionals.length === 0) path.push(sub);
    else positionals.push(w);
  }
  const cmd = path[path.length - 1];
  const names = path.slice(1).map((c) => c.name()).join(' ');

  if (pendingValue) return valueCandidates(ctx, pendingValue, names);
  if (cur.startsWith('-')) {
    // the command's own flags first, the global ones after
    const flags = [...path].reverse().flatMap((c) => c.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))));
    return [...new Set(flags)];
  }
  // positionals: subcommands first (never the global flags: issue 17 item 9), then the command's own argument
  const subs = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
  if (subs.length) return subs;
  if (positionals.length > 0) return [];
  switch (names) {
    case 'presets show':
      return presetNames();
    case 'dataset validate':
    case 'lint':
      return [':file'];
    case 'completion':
      return ['bash', 'zsh', 'fish'];
    case 'wait':
    case 'status':
    case 'delete':
      return lookup(ctx, 'workspaces');
    case 'logs':
      return lookup(ctx, 'tuning-workspaces');
    case 'proxy':
      return lookup(ctx, 'inference-workspaces');
    case 'nodepool show':
    case 'nodepool delete':
      return lookup(ctx, 'nodepools');
    default:
      return [];
  }
}

async function valueCandidates(ctx: CommandContext, o: Option, names: string): Promise<string[]> {
  const flag = o.long ?? o.short ?? '';
  if (o.argChoices?.length) return [...o.argChoices];
  if (FILE_FLAGS.has(flag)) return [':file'];
  switch (flag) {
    case '--preset':
      return presetNames(names === 'tune' || names === 'render tune' || names === 'init');
    case '--instance-type': {
      const { loadSkus } = await import('../../core/presets.js');
      return loadSkus().map((s) => s.name);
    }
    case '--context':
      return lookup(ctx, 'contexts');
    case '--namespace':
    case '-n':
      return lookup(ctx, 'namespaces');
    case '--workspace':
      return lookup(ctx, 'inference-workspaces');
    case '--from-tuning':
      return lookup(ctx, 'tuning-workspaces');
    case '--nodepool':
      return lookup(ctx, 'nodepools');
    case '--kaito-version':
      return ['0.6', '0.10', '0.11', '0.12'];
    case '--output':
    case '-o':
      return ['yaml', 'json', 'name', 'table', 'wide', 'text'];
    default:
      return [];
  }
}

async function presetNames(tunableOnly = false): Promise<string[]> {
  const { loadPresets } = await import('../../core/presets.js');
  return loadPresets().filter((p) => !tunableOnly || p.tunable).map((p) => p.name);
}

/** Names from the kubeconfig or the cluster; nothing when it cannot answer within LOOKUP_MS. */
async function lookup(ctx: CommandContext, what: Lookup): Promise<string[]> {
  try {
    if (what === 'contexts') {
      const { loadKubeConfig } = await import('../../kube/config.js');
      return loadKubeConfig({ kubeconfig: ctx.target().kubeconfig }, ctx.io.env).kc.getContexts().map((c) => c.name);
    }
    const { resourcePath } = await import('../../kube/index.js');
    const kube = await ctx.kube();
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(LOOKUP_MS)]);
    type Item = { metadata: { name: string; labels?: Record<string, string> }; tuning?: unknown };
    if (what === 'namespaces') return (await kube.get<{ items: Item[] }>('/api/v1/namespaces', { signal, retry: false })).items.map((i) => i.metadata.name);
    if (what === 'nodepools') {
      const nodes = (await kube.get<{ items: Item[] }>('/api/v1/nodes', { signal, retry: false })).items;
      return [...new Set(nodes.map((n) => n.metadata.labels?.agentpool ?? n.metadata.labels?.['kubernetes.azure.com/agentpool']).filter((x): x is string => Boolean(x)))].sort();
    }
    const items = (await kube.get<{ items: Item[] }>(resourcePath('Workspace', kube.namespace), { signal, retry: false })).items;
    const keep = (i: Item) => (what === 'tuning-workspaces' ? Boolean(i.tuning) : what === 'inference-workspaces' ? !i.tuning : true);
    return items.filter(keep).map((i) => i.metadata.name).sort();
  } catch {
    return [];
  }
}
