// The workspace a command means (the argument, else kaito.yaml's `workspace`, else the only/newest one), with
// the command's kaito.yaml and terminal handed to the kube port's resolver.
import type { CommandContext } from '../../cli/context.js';
import type { KubeClient } from '../../kube/client.js';
import { resolveWorkspace, type ResolvedWorkspace, type WorkspacePreference } from '../../kube/resolve.js';

export function workspaceFor(ctx: CommandContext, kube: KubeClient, arg: string | undefined, prefer?: WorkspacePreference): Promise<ResolvedWorkspace> {
  return resolveWorkspace(kube, arg, { configured: arg === undefined ? ctx.project().config.workspace : undefined, prefer, signal: ctx.signal, info: (m) => ctx.io.info(m) });
}
