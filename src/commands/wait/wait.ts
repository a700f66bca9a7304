// kaito wait [WS]: block until --for is met; exit 3 with the root cause when it cannot be, 5 on timeout.
// -o json prints {workspace, namespace, for, phase, message, elapsedMs}; -o name workspace.kaito.sh/NAME.
import type { CommandContext } from '../../cli/context.js';
import { parseDurationFlag } from '../shared/submit.js';
import { workspaceFor } from '../shared/workspace.js';
import { waitWithProgress } from '../shared/wait-display.js';
import { parseWaitFor } from '../../kube/wait.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { OUTPUT_WAIT as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { for?: string; timeout?: string }, args: unknown[]): Promise<number> {
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, OUTPUT.wait, 'json');
  const target = parseWaitFor(opts.for);
  const timeoutMs = parseDurationFlag('--timeout', opts.timeout, '90m, 6h, 1h30m or 45s');
  const kube = await ctx.kube();
  const ws = await workspaceFor(ctx, kube, args[0] as string | undefined);
  const r = await waitWithProgress(ctx, kube, { name: ws.name, namespace: ws.namespace, for: target, timeoutMs, apiVersion: ws.apiVersion });
  const doc = { workspace: r.name, namespace: r.namespace, for: r.for, phase: r.phase, message: r.message, elapsedMs: r.elapsedMs };
  if (format) printResult(ctx.io, format, { document: doc, rows: [doc], name: () => `workspace.kaito.sh/${r.name}` });
  return 0;
}
