// `kaito __complete -- WORDS...`: prints the candidates, one per line (see complete.ts). The words after `--` are the
// command line so far and the word being typed (possibly empty); its --context, --namespace/-n and --kubeconfig
// apply to the lookups.
import type { CommandContext } from '../../cli/context.js';
import { candidates } from './complete.js';

function flagValue(words: string[], names: string[]): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i];
    for (const n of names) {
      if (w === n && i + 1 < words.length - 1) v = words[i + 1];
      else if (w.startsWith(`${n}=`)) v = w.slice(n.length + 1);
    }
  }
  return v;
}

export async function run(ctx: CommandContext, _opts: unknown, args: unknown[]): Promise<number> {
  const words = (args[0] as string[] | undefined) ?? [];
  const line = words.length ? words : [''];
  const base = ctx.target();
  const target = {
    ...base,
    context: flagValue(line, ['--context']) ?? base.context,
    namespace: flagValue(line, ['--namespace', '-n']) ?? base.namespace,
    kubeconfig: flagValue(line, ['--kubeconfig']) ?? base.kubeconfig,
  };
  // the lookups ask the cluster the line names: its target, and a client for that target
  const out = await candidates({ ...ctx, target: () => target, kube: () => ctx.kube(target) }, line);
  ctx.io.print(out.length ? out.join('\n') + '\n' : '');
  return 0;
}
