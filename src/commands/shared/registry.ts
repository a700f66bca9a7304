// A registry client for a command: the image reference (a usage error when it is bad) and the login flags
// (--registry-username + --registry-password-stdin) checked and read here; the command context's factory
// (src/cli/factory.ts) builds the client with credentials in SPEC order (those flags, docker config, ACR Entra
// exchange, anonymous) and --debug traces (redacted by ctx.debug; headers are never traced).
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import type { RegistryClient } from '../../registry/client.js';
import { ReferenceError, parseImageRef, type ImageRef } from '../../registry/reference.js';

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
  return ctx.registry(ref, { username: flags.registryUsername, password });
}
