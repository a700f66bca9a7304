// What the inference port's connect() needs, taken from the command context.
import type { CommandContext } from '../../cli/context.js';
import type { ConnectDeps } from '../../inference/connect.js';

export function connectDeps(ctx: CommandContext): ConnectDeps {
  return {
    env: ctx.io.env,
    signal: ctx.signal,
    warn: (m) => ctx.io.warn(m),
    kube: () => ctx.kube(),
    configuredWorkspace: () => ctx.project().config.workspace,
  };
}
