// kaito list [-A]: workspaces, tuning vs inference, preset, instance, state, age.
// -o json|yaml: {items: WorkspaceSummary[]} (without pods/job details); -o name: workspace.kaito.sh/NAME;
// --watch prints a row per change (like kubectl get -w).
import type { CommandContext } from '../../cli/context.js';
import { discoverKaitoApi } from '../../kube/kaito.js';
import { resourcePath, type KubeList } from '../../kube/index.js';
import { conditionCell, summarize, type WorkspaceSummary } from '../../kube/summary.js';
import { watchCollection } from '../../kube/watch.js';
import { formatTable, parseOutputFormat, printResult, type Column } from '../../ui/printer.js';
import { OUTPUT_LIST as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { allNamespaces?: boolean; watch?: boolean }): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.list, 'table');
  const kube = await ctx.kube();
  const api = await discoverKaitoApi(kube, ctx.signal);
  const path = resourcePath('Workspace', opts.allNamespaces ? undefined : kube.namespace, undefined, api.apiVersion);
  const columns: Column<WorkspaceSummary>[] = [
    ...(opts.allNamespaces ? [{ header: 'namespace', value: (r: WorkspaceSummary) => r.namespace }] : []),
    { header: 'name', value: (r) => r.name },
    { header: 'type', value: (r) => r.type + (r.method ? `/${r.method}` : '') },
    { header: 'preset', value: (r) => r.preset },
    { header: 'instance', value: (r) => r.instanceType },
    { header: 'state', value: (r) => r.state },
    { header: 'resourceready', value: (r) => conditionCell(r, 'ResourceReady'), wide: true },
    { header: 'inferenceready', value: (r) => conditionCell(r, 'InferenceReady'), wide: true },
    { header: 'jobstarted', value: (r) => conditionCell(r, 'JobStarted'), wide: true },
    { header: 'workspacesucceeded', value: (r) => conditionCell(r, 'WorkspaceSucceeded'), wide: true },
    { header: 'nodes', value: (r) => r.nodes.join(','), wide: true },
    { header: 'age', value: (r) => r.age },
  ];
  if (!opts.watch) {
    let list: KubeList;
    try {
      list = await kube.get<KubeList>(path, { signal: ctx.signal });
    } catch (e) {
      throw kube.error(e, 'list workspaces');
    }
    const rows = list.items.map((w) => summarize(w));
    printResult(ctx.io, format, {
      document: { items: rows },
      rows,
      columns,
      name: (r) => `workspace.kaito.sh/${r.name}`,
      empty: `no workspaces in ${opts.allNamespaces ? 'any namespace' : `namespace ${kube.namespace}`}`,
    });
    return 0;
  }
  // --watch: the current rows, then one row per change
  const seen = new Map<string, string>();
  let headerDone = false;
  await watchCollection(kube, {
    path,
    signal: ctx.signal,
    debug: (m) => ctx.debug(m),
    onChange: (items) => {
      for (const w of items) {
        const r = summarize(w);
        const key = `${r.namespace}/${r.name}`;
        // one row per visible change: what the chosen format shows, without the ticking age
        const cols = columns.filter((c) => format === 'wide' || !c.wide);
        const sig = format === 'json' || format === 'yaml' ? JSON.stringify({ ...r, age: '' }) : cols.filter((c) => c.header !== 'age').map((c) => String(c.value(r) ?? '')).join('\t');
        if (seen.get(key) === sig) continue;
        seen.set(key, sig);
        if (format === 'json') ctx.io.print(JSON.stringify(r) + '\n');
        else if (format === 'name') ctx.io.print(`workspace.kaito.sh/${r.name}\n`);
        else {
          const table = formatTable(cols.map((c) => c.header), [cols.map((c) => String(c.value(r) ?? '') || '<none>')]);
          const [header, row] = table.trimEnd().split('\n');
          if (!headerDone) ctx.io.print(header + '\n');
          headerDone = true;
          ctx.io.print(row + '\n');
        }
      }
    },
  });
  return 0;
}
