// What a command may ask the outside world for: the clients of the ports (Kubernetes, Azure Resource Manager,
// AKS node pools, an OCI registry), the clock, sleeping and the prompter, plus the terminal it was given.
// Commands never construct a client: they ask the command context (which is a Factory) and tests replace any
// of these with `createContext(io, globals, signal, cwd, overrides)` or `run(argv, { factory })` (src/main.ts).
// Every client is built lazily, on first use, and once per run; the heavy modules are imported only then.
import { InterruptedError } from '../errors.js';
import type { AzureSession } from '../azure/session.js';
import type { NodePools } from '../azure/nodepools.js';
import type { KubeClient } from '../kube/client.js';
import type { ClusterTarget } from '../kube/target.js';
import type { RegistryClient } from '../registry/client.js';
import type { ImageRef } from '../registry/reference.js';
import type { IOStreams } from '../ui/iostreams.js';
import { createTerminalPrompter, type Prompter } from '../ui/prompts.js';

/** Registry credentials given on the command line (the flag checks and reading stdin are the command's). */
export interface RegistryLogin {
  username?: string;
  password?: string;
}

export interface Factory {
  io: IOStreams;
  /**
   * The Kubernetes client for the resolved target (kubeconfig, context, namespace); one per run. With a target
   * (`kaito init` asks about contexts the user picks), a client for that one instead.
   */
  kube(target?: ClusterTarget): Promise<KubeClient>;
  /**
   * An Azure Resource Manager session; auth is --auth (else KAITO_AZURE_AUTH), the endpoint the target's
   * (--arm-endpoint, KAITO_ARM_ENDPOINT, kaito.yaml) unless given. One per distinct set of options.
   */
  arm(auth?: string, options?: ArmOptions): Promise<AzureSession>;
  /** The AKS node pools of the target cluster (found from flags, kaito.yaml or the kube context). */
  nodePools(auth?: string): Promise<NodePools>;
  /** A registry client for one image reference, with credentials in SPEC order. */
  registry(ref: ImageRef, login?: RegistryLogin): Promise<RegistryClient>;
  /** Milliseconds since the epoch (Date.now()). */
  now(): number;
  /** Resolves after ms; with a signal, rejects with InterruptedError when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The terminal prompter (draws on stderr, reads io.in); callers check io.canPrompt first. */
  prompter(): Prompter;
}

export interface ArmOptions {
  armEndpoint?: string;
  /** retries of 429/5xx (the session's default otherwise) */
  maxRetries?: number;
}

/**
 * What the default factory needs from the command context. Note: kube() and the others read the target of the
 * context they were made with; a copy of the context with another target() must also pass a kube() that asks
 * for it (`{ ...ctx, target: () => t, kube: () => ctx.kube(t) }`, as completion does).
 */
export interface FactoryInput {
  io: IOStreams;
  signal: AbortSignal;
  target(): ClusterTarget;
  debug(message: string): void;
  /** the factory as the command sees it (with any overrides): node pools use its arm(), the registry its arm() */
  self?: () => Factory;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clients, built on first use and kept for the rest of the run. */
export function createFactory(c: FactoryInput): Factory {
  const { io } = c;
  let kube: Promise<KubeClient> | undefined;
  const kubes = new Map<string, Promise<KubeClient>>();
  const sessions = new Map<string, Promise<AzureSession>>();
  const pools = new Map<string, Promise<NodePools>>();
  let prompter: Prompter | undefined;
  const once = <T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> => {
    let p = cache.get(key);
    if (!p) {
      p = make();
      cache.set(key, p);
      // a failed build is not kept: a later call asks again (and fails with the same message)
      p.catch(() => cache.delete(key));
    }
    return p;
  };
  const me = () => c.self?.() ?? f;
  const f: Factory = {
    io,
    kube(target) {
      const make = async (t: () => ClusterTarget) => {
        const [{ KubeClient }, { userCacheDir }] = await Promise.all([import('../kube/client.js'), import('../paths.js')]);
        return KubeClient.fromTarget(t(), { env: io.env, debug: (m) => c.debug(m), warn: (m) => io.warn(m), cacheDir: userCacheDir(io.env) });
      };
      if (target) return once(kubes, JSON.stringify(target), () => make(() => target));
      kube ??= make(() => c.target());
      kube.catch(() => (kube = undefined));
      return kube;
    },
    arm(auth, options = {}) {
      return once(sessions, JSON.stringify([auth, options.armEndpoint, options.maxRetries]), async () => {
        const { openArmSession } = await import('../azure/session.js');
        const armEndpoint = 'armEndpoint' in options ? options.armEndpoint : c.target().armEndpoint;
        return openArmSession({ armEndpoint, auth, env: io.env, debug: (m) => c.debug(m), maxRetries: options.maxRetries });
      });
    },
    nodePools(auth) {
      return once(pools, auth ?? '', async () => {
        const session = await me().arm(auth);
        const { NodePools } = await import('../azure/nodepools.js');
        return NodePools.open(session, { target: c.target(), env: io.env, signal: c.signal, debug: (m) => c.debug(m) });
      });
    },
    async registry(ref, login = {}) {
      const [{ resolveCredential }, { isAcrRegistry }, { RegistryClient }, { parseResolve, pinnedLookup }] = await Promise.all([
        import('../registry/auth.js'),
        import('../registry/reference.js'),
        import('../registry/client.js'),
        import('../net/resolve.js'),
      ]);
      const entraToken = isAcrRegistry(ref.registry, io.env.KAITO_ACR_HOSTS)
        ? async () => {
            const s = await me().arm();
            const t = await s.credential.getToken(s.cloud.scope, { abortSignal: c.signal });
            if (!t?.token) throw new Error('no token');
            return t.token;
          }
        : undefined;
      const credential = await resolveCredential(ref.registry, { username: login.username, password: login.password, env: io.env, entraToken, debug: (m) => c.debug(m) });
      c.debug(`registry ${ref.registry}: credentials from ${credential?.source ?? 'nowhere (anonymous)'}`);
      const chunk = Number(io.env.KAITO_REGISTRY_CHUNK_BYTES);
      const backoff = Number(io.env.KAITO_REGISTRY_BACKOFF_MS);
      return new RegistryClient(ref, {
        credential,
        lookup: pinnedLookup(parseResolve(io.env.KAITO_RESOLVE)),
        env: io.env,
        signal: c.signal,
        debug: (m) => c.debug(m),
        chunkSize: Number.isFinite(chunk) && chunk > 0 ? chunk : undefined,
        backoffMs: Number.isFinite(backoff) && backoff >= 0 ? backoff : undefined,
      });
    },
    now: () => Date.now(),
    sleep,
    prompter() {
      prompter ??= createTerminalPrompter(io, c.signal);
      return prompter;
    },
  };
  return f;
}
