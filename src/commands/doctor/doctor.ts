// kaito doctor: runs every check group (Kubernetes in checks-kube.ts, Azure in checks-azure.ts) and prints
// ✓/✗ per check with a fix hint. Exit 1 when any check fails (warnings and skips do not fail).
//
// -o json|yaml prints one document (docs/output.md):
//   { ok: boolean,                       // false when any check has status "fail"
//     checks: [ { group: "kubernetes" | "azure",
//                 id: string,            // stable: kube-access, kube-version, kaito-crd, kaito-controller,
//                                        //   tuning-templates, rbac, azure-credential, aks-cluster,
//                                        //   ai-toolchain-operator, gpu-quota
//                 title: string,
//                 status: "ok" | "fail" | "warn" | "skip",
//                 detail: string,        // what was found, one line
//                 hint?: string } ] }    // how to fix it (or, for a skip, how to enable it)
import type { CommandContext } from '../../cli/context.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { imageChecks, imageTimeoutMs } from './checks-images.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import type { CheckGroup, CheckReport } from './check.js';
import { azureChecks, type AzureCheckOptions } from './checks-azure.js';
import { kubeChecks } from './checks-kube.js';
import { OUTPUT_DOCTOR as OUTPUT } from '../output-formats.js';

/** Check groups, in order. Add a group here to extend doctor. */
export function checkGroups(opts: AzureCheckOptions & { images?: boolean; imageTimeout?: string } = {}): CheckGroup<any>[] {
  return [kubeChecks(), azureChecks(opts), ...(opts.images ? [imageChecks(imageTimeoutMs(opts.imageTimeout))] : [])];
}

export async function run(ctx: CommandContext, opts: AzureCheckOptions & { images?: boolean; imageTimeout?: string } = {}): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.doctor, 'table');
  if (opts.imageTimeout !== undefined && !opts.images) throw new UsageError('--image-timeout only applies with --images', 'add --images, or drop --image-timeout');
  const reports: CheckReport[] = [];
  const human = format === 'table';
  for (const group of checkGroups(opts)) {
    const state = group.init();
    for (const c of group.checks) {
      if (ctx.signal.aborted) throw new InterruptedError();
      if (c.applies && !c.applies(state)) continue;
      let r;
      try {
        r = await c.run(ctx, state);
      } catch (e) {
        if (ctx.signal.aborted) throw new InterruptedError();
        r = { status: 'fail' as const, detail: (e as Error).message, hint: (e as { hint?: string }).hint };
      }
      const rep: CheckReport = { group: group.name, id: c.id, title: c.title, ...r };
      reports.push(rep);
      if (human) {
        const mark = r.status === 'ok' ? ctx.io.color.green('✓') : r.status === 'fail' ? ctx.io.color.red('✗') : r.status === 'warn' ? ctx.io.color.yellow('!') : ctx.io.color.dim('-');
        ctx.io.print(`${mark} ${c.title}: ${r.detail}\n`);
        if (r.hint && r.status !== 'ok') ctx.io.print(`    ${r.status === 'skip' ? 'to enable' : 'fix'}: ${r.hint}\n`);
      }
    }
  }
  const ok = reports.every((r) => r.status !== 'fail');
  if (!human) printResult(ctx.io, format, { document: { ok, checks: reports } });
  else ctx.io.info(ok ? 'all checks passed' : `${reports.filter((r) => r.status === 'fail').length} check(s) failed`);
  return ok ? 0 : 1;
}
