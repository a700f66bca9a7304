// What the renderer is told when no cluster is asked (`kaito render`, `tune/deploy --dry-run=client`):
// the namespace by precedence, the provisioning mode from kaito.yaml (NAP unless it says BYO), files from disk.
// Kept apart from submit.ts so the render path loads no Kubernetes code.
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../../cli/context.js';
import type { FlagContext } from '../../core/render/index.js';

export function renderOnlyContext(ctx: CommandContext, extra: Partial<FlagContext> = {}): FlagContext {
  return {
    namespace: ctx.target().namespace,
    detectedNodeProvisioning: ctx.project().config.cluster?.nodeProvisioning === 'byo' ? 'byo' : 'nap',
    renderOnly: true,
    readFile: (p) => readFileSync(p, 'utf8'),
    ...extra,
  };
}
