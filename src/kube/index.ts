// Entry point for commands: a KubeClient for the resolved target, with --debug traces and warnings.
import type { CommandContext } from '../cli/context.js';
import { userCacheDir } from '../paths.js';
import { KubeClient } from './client.js';

export { KubeClient, resourcePath, RESOURCES, type KubeObject, type KubeList } from './client.js';
export { KubeApiError, isNotFound, isConflict, statusOf, toKaitoError } from './errors.js';

export function kubeFromContext(ctx: CommandContext): KubeClient {
  return KubeClient.fromTarget(ctx.target(), {
    env: ctx.io.env,
    debug: (m) => ctx.debug(m),
    warn: (m) => ctx.io.warn(m),
    cacheDir: userCacheDir(ctx.io.env),
  });
}
