// What every command's run() receives: the terminal, the global flags, the project file and the
// resolved cluster target, plus an AbortSignal that fires on Ctrl-C. It is also the command's Factory
// (./factory.ts): the only place clients, the clock and the prompter come from.
import { loadProjectConfig, type LoadedProject } from '../config/project.js';
import { validateNamespace } from '../config/validators.js';
import { UsageError } from '../errors.js';
import type { IOStreams } from '../ui/iostreams.js';
import { redact } from '../ui/redact.js';
import { createFactory, type Factory } from './factory.js';
import type { GlobalOptions } from './globals.js';
import type { ClusterTarget } from '../kube/target.js';

export type { ClusterTarget } from '../kube/target.js';

export interface CommandContext extends Factory {
  io: IOStreams;
  globals: GlobalOptions;
  /** Ctrl-C aborts it; long operations must pass it down and reject with InterruptedError. */
  signal: AbortSignal;
  project(): LoadedProject;
  target(): ClusterTarget;
  debug(message: string | (() => string)): void;
}

/** overrides replace parts of the factory (tests: a fake kube client, a fixed clock, scripted prompts). */
export function createContext(io: IOStreams, globals: GlobalOptions, signal: AbortSignal, cwd = process.cwd(), overrides: Partial<Factory> = {}): CommandContext {
  let project: LoadedProject | undefined;
  const base = {
    io,
    globals,
    signal,
    project(): LoadedProject {
      project ??= loadProjectConfig(globals.config ?? io.env.KAITO_CONFIG, cwd);
      return project;
    },
    target(): ClusterTarget {
      return resolveTarget(globals, io.env, base.project());
    },
    debug(message: string | (() => string)) {
      if (!globals.debug) return;
      const text = typeof message === 'function' ? message() : message;
      io.err.write(io.color.dim(`debug: ${redact(text)}`) + '\n');
    },
  };
  const ctx: CommandContext = { ...base, ...createFactory({ ...base, self: () => ctx }), ...overrides };
  return ctx;
}

/** flag > environment > kaito.yaml > default */
export function resolveTarget(g: GlobalOptions, env: NodeJS.ProcessEnv, p: LoadedProject): ClusterTarget {
  const c = p.config.cluster ?? {};
  const pick = (...vals: Array<string | undefined>) => vals.find((v) => v !== undefined && v !== '');
  // kaito.yaml is validated when loaded; the flag and the environment are checked here, before any request
  // (otherwise `-n 'bad ns'` "succeeds" with "no workspaces in namespace bad ns")
  const ns = pick(g.namespace, env.KAITO_NAMESPACE);
  const nsProblem = ns !== undefined ? validateNamespace(ns) : undefined;
  if (nsProblem) throw new UsageError(`${g.namespace !== undefined && g.namespace !== '' ? '--namespace' : 'KAITO_NAMESPACE'} ${JSON.stringify(ns)}: ${nsProblem}`, 'a namespace is a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters');
  return {
    kubeconfig: pick(g.kubeconfig),
    context: pick(g.context, env.KAITO_CONTEXT, c.kubeContext),
    contextFrom: pick(g.context) ? '--context' : pick(env.KAITO_CONTEXT) ? 'KAITO_CONTEXT' : c.kubeContext ? `cluster.kubeContext in ${p.path}` : undefined,
    namespace: pick(g.namespace, env.KAITO_NAMESPACE, c.namespace),
    subscription: pick(g.subscription, env.AZURE_SUBSCRIPTION_ID, c.subscription),
    resourceGroup: pick(g.resourceGroup, env.KAITO_RESOURCE_GROUP, env.AZURE_RESOURCE_GROUP, c.resourceGroup),
    cluster: pick(g.cluster, env.KAITO_CLUSTER, c.name),
    armEndpoint: pick(g.armEndpoint, env.KAITO_ARM_ENDPOINT, c.armEndpoint),
    nodeProvisioning: c.nodeProvisioning,
  };
}
