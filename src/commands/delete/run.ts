// kaito delete WS [--wait] [--timeout]: delete the workspace; --wait until its finalizer is gone.
// --with-nodepool is refused until the AKS node pool support can tell which pool the CLI created.
import type { CommandContext } from '../../cli/context.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../errors.js';
import { kubeFromContext, resourcePath } from '../../kube/index.js';
import { discoverKaitoApi } from '../../kube/kaito.js';
import { waitWithProgress } from '../../kube/wait-display.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';

export async function run(ctx: CommandContext, opts: { wait?: boolean; timeout?: string; withNodepool?: boolean }, args: unknown[]): Promise<number> {
  const name = args[0] as string;
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, ['json', 'yaml', 'name'], 'json');
  let timeoutMs = 10 * 60_000;
  if (opts.timeout !== undefined) {
    const t = parseDuration(opts.timeout);
    if (t === undefined || t <= 0) throw new UsageError(`--timeout ${opts.timeout} is not a duration`, 'use e.g. --timeout 10m');
    timeoutMs = t;
  }
  if (opts.withNodepool) {
    throw new UsageError('--with-nodepool is not available yet: the CLI cannot yet tell which AKS node pool it created for a workspace', `delete the workspace with \`kaito delete ${name}\`, then the pool with \`kaito nodepool delete POOL\` (see \`kaito nodepool list\`)`);
  }
  const kube = kubeFromContext(ctx);
  const api = await discoverKaitoApi(kube, ctx.signal);
  let existed: boolean;
  try {
    await kube.request('DELETE', resourcePath('Workspace', kube.namespace, name, api.apiVersion), { query: { propagationPolicy: 'Background' }, signal: ctx.signal, retry: true });
    existed = true;
  } catch (e) {
    const err = kube.error(e, `delete workspace ${name}`);
    if (!/not found/.test(err.message)) throw err;
    existed = false;
  }
  if (!existed) throw new UsageError(`workspace ${name} not found in namespace ${kube.namespace}`, 'see `kaito list` (or -A for every namespace)');
  ctx.io.info(`${ctx.io.color.green('✓')} workspace/${name} deleted${opts.wait ? '' : ' (Kaito removes its nodes and pods in the background; add --wait to wait)'}`);
  if (opts.wait) await waitWithProgress(ctx, kube, { name, namespace: kube.namespace, for: { kind: 'deleted' }, timeoutMs, apiVersion: api.apiVersion });
  if (format) printResult(ctx.io, format, { document: { workspace: name, namespace: kube.namespace, deleted: true, waited: Boolean(opts.wait) }, rows: [name], name: (n) => `workspace.kaito.sh/${n}` });
  return 0;
}
