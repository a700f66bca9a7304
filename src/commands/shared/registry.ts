// Builds a registry client for a command: the image reference (a usage error when it is bad), the credentials in
// SPEC order (--registry-username + --registry-password-stdin, docker config, ACR Entra exchange, anonymous) and
// --debug traces (redacted by ctx.debug; headers are never traced).
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import { resolveCredential } from '../../registry/auth.js';
import { RegistryClient } from '../../registry/client.js';
import { ReferenceError, isAcrRegistry, parseImageRef, type ImageRef } from '../../registry/reference.js';

export interface RegistryFlags {
  registryUsername?: string;
  registryPasswordStdin?: boolean;
  /** the password already read from stdin (stdin holds one; `kaito tune` also needs it for the push Secret) */
  password?: string;
}

export function parseImageArg(raw: string, what = 'IMAGE'): ImageRef {
  try {
    return parseImageRef(raw);
  } catch (e) {
    if (e instanceof ReferenceError) throw new UsageError(`${what}: ${e.message}`, 'an image reference looks like myregistry.azurecr.io/team/name:tag');
    throw e;
  }
}

export async function registryClient(ctx: CommandContext, ref: ImageRef, flags: RegistryFlags): Promise<RegistryClient> {
  if (flags.registryPasswordStdin && !flags.registryUsername) throw new UsageError('--registry-password-stdin needs --registry-username USER');
  if (flags.registryUsername && !flags.registryPasswordStdin) throw new UsageError('--registry-username needs --registry-password-stdin (the password is read from stdin, never from a flag)');
  let password = flags.password;
  if (flags.registryPasswordStdin && password === undefined) {
    const { readSecretFromStdin } = await import('../../kube/secrets.js');
    password = await readSecretFromStdin(ctx.io.in, '--registry-password-stdin');
  }
  const entraToken = isAcrRegistry(ref.registry, ctx.io.env.KAITO_ACR_HOSTS)
    ? async () => {
        const { sessionFromContext } = await import('../../azure/session.js');
        const s = sessionFromContext(ctx);
        const t = await s.credential.getToken(s.cloud.scope, { abortSignal: ctx.signal });
        if (!t?.token) throw new Error('no token');
        return t.token;
      }
    : undefined;
  const credential = await resolveCredential(ref.registry, { username: flags.registryUsername, password, env: ctx.io.env, entraToken, debug: (m) => ctx.debug(m) });
  ctx.debug(`registry ${ref.registry}: credentials from ${credential?.source ?? 'nowhere (anonymous)'}`);
  const chunk = Number(ctx.io.env.KAITO_REGISTRY_CHUNK_BYTES);
  const backoff = Number(ctx.io.env.KAITO_REGISTRY_BACKOFF_MS);
  const { parseResolve, pinnedLookup } = await import('../../net/resolve.js');
  return new RegistryClient(ref, {
    credential,
    lookup: pinnedLookup(parseResolve(ctx.io.env.KAITO_RESOLVE)),
    env: ctx.io.env,
    signal: ctx.signal,
    debug: (m) => ctx.debug(m),
    chunkSize: Number.isFinite(chunk) && chunk > 0 ? chunk : undefined,
    backoffMs: Number.isFinite(backoff) && backoff >= 0 ? backoff : undefined,
  });
}
