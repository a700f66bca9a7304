// Registry credentials, first found wins (SPEC "Registries"): --registry-username + --registry-password-stdin;
// the docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json: credHelpers[host], auths[host],
// credsStore); for Azure Container Registry hosts the CLI's Entra token, exchanged like `az acr login` does;
// anonymous. Every secret found is registered for redaction before it is used.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { registerSecret } from '../ui/redact.js';
import { isAcrRegistry } from './reference.js';

export type RegistryCredential =
  | { kind: 'basic'; username: string; password: string; source: string }
  /** an OAuth2 refresh token (docker's "identitytoken", a helper's "<token>" user, ACR's exchanged token) */
  | { kind: 'refresh-token'; token: string; source: string }
  /** an Entra access token to exchange at ACR's /oauth2/exchange */
  | { kind: 'acr-entra'; getToken: () => Promise<string>; source: string };

export interface ResolveCredentialOptions {
  username?: string;
  password?: string;
  env: NodeJS.ProcessEnv;
  /** Entra access token for ACR hosts (only called for *.azurecr.* registries) */
  entraToken?: () => Promise<string>;
  debug?: (msg: string) => void;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(env.HOME || homedir(), '.docker', 'config.json');
}

/** The key docker uses for a registry in config.json; Docker Hub is "https://index.docker.io/v1/". */
function configKeys(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry];
}

/** "https://host/v1/" -> "host", as docker's ConvertToHostname does. */
function normaliseKey(key: string): string {
  let k = key.replace(/^https?:\/\//, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  return k;
}

function lookup<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map) return undefined;
  const keys = configKeys(registry);
  for (const k of Object.keys(map)) if (keys.includes(k) || keys.includes(normaliseKey(k))) return map[k];
  return undefined;
}

export async function resolveCredential(registry: string, opts: ResolveCredentialOptions): Promise<RegistryCredential | undefined> {
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || opts.password === undefined) throw new UsageError('--registry-username and --registry-password-stdin go together', 'pass both, e.g. echo "$PASSWORD" | kaito ... --registry-username USER --registry-password-stdin');
    registerSecret(opts.password);
    return { kind: 'basic', username: opts.username, password: opts.password, source: '--registry-username' };
  }
  const path = dockerConfigPath(opts.env);
  let cfg: DockerConfig | undefined;
  try {
    cfg = JSON.parse(await readFile(path, 'utf8')) as DockerConfig;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read the docker config ${path}: ${(e as Error).message.split('\n')[0]}`, 'fix or remove the file, or pass --registry-username USER --registry-password-stdin');
  }
  if (cfg) {
    const helper = lookup(cfg.credHelpers, registry);
    if (helper) {
      const c = await runHelper(helper, registry, opts);
      if (c) return c;
    }
    const entry = lookup(cfg.auths, registry);
    if (entry) {
      if (entry.identitytoken) {
        registerSecret(entry.identitytoken);
        return { kind: 'refresh-token', token: entry.identitytoken, source: path };
      }
      let { username, password } = entry;
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        registerSecret(entry.auth);
        const i = decoded.indexOf(':');
        if (i > 0) {
          username = decoded.slice(0, i);
          password = decoded.slice(i + 1);
        }
      }
      if (username && password !== undefined) {
        registerSecret(password);
        return { kind: 'basic', username, password, source: path };
      }
    }
    if (cfg.credsStore && !helper) {
      const c = await runHelper(cfg.credsStore, registry, opts);
      if (c) return c;
    }
  }
  if (isAcrRegistry(registry, opts.env.KAITO_ACR_HOSTS) && opts.entraToken) {
    return { kind: 'acr-entra', getToken: opts.entraToken, source: 'Entra (az acr login style token exchange)' };
  }
  return undefined;
}

/** `docker-credential-NAME get` with the server on stdin, as the docker CLI runs credential helpers. */
async function runHelper(name: string, registry: string, opts: ResolveCredentialOptions): Promise<RegistryCredential | undefined> {
  const bin = `docker-credential-${name}`;
  const server = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  opts.debug?.(`running ${bin} get for ${server}`);
  const { code, stdout, stderr, missing } = await new Promise<{ code: number | null; stdout: string; stderr: string; missing: boolean }>((resolve) => {
    let out = '';
    let err = '';
    const child = spawn(bin, ['get'], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: '', stderr: e.message, missing: e.code === 'ENOENT' });
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err, missing: false });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(server);
  });
  if (missing) throw new UsageError(`the docker config names the credential helper "${name}" but ${bin} is not on PATH`, `install ${bin}, or remove it from ${dockerConfigPath(opts.env)}`);
  if (code !== 0) {
    if (/credentials not found/i.test(stdout + stderr)) return undefined;
    throw new UsageError(`${bin} get failed (exit ${code}): ${(stdout + stderr).trim().split('\n')[0]!.slice(0, 200)}`, `check that ${bin} works: echo ${server} | ${bin} get`);
  }
  let parsed: { Username?: string; Secret?: string };
  try {
    parsed = JSON.parse(stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new UsageError(`${bin} get printed something that is not JSON`, `check that ${bin} works: echo ${server} | ${bin} get`);
  }
  if (!parsed.Secret) return undefined;
  registerSecret(parsed.Secret);
  if (parsed.Username === '<token>') return { kind: 'refresh-token', token: parsed.Secret, source: bin };
  return { kind: 'basic', username: parsed.Username ?? '', password: parsed.Secret, source: bin };
}
