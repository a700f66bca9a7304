// Shell completion scripts generated from the live command tree, so they never drift from the flags.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CommandContext } from '../../cli/context.js';
import { buildProgram } from '../../main.js';

interface Node { path: string[]; subcommands: string[]; flags: string[] }

function walk(cmd: Command, path: string[], out: Node[]): void {
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x)));
  out.push({ path, subcommands: cmd.commands.map((c) => c.name()), flags });
  for (const c of cmd.commands) walk(c, [...path, c.name()], out);
}

export async function run(ctx: CommandContext, _opts: unknown, args: unknown[]): Promise<void> {
  const shell = String(args[0]);
  const program = buildProgram();
  const nodes: Node[] = [];
  walk(program, [], nodes);
  const globalFlags = nodes[0].flags;
  if (shell === 'bash') ctx.io.print(bash(nodes, globalFlags));
  else if (shell === 'zsh') ctx.io.print('autoload -U +X bashcompinit && bashcompinit\n' + bash(nodes, globalFlags));
  else if (shell === 'fish') ctx.io.print(fish(nodes, globalFlags));
  else throw new UsageError(`unsupported shell "${shell}"`, 'use `kaito completion bash`, `zsh` or `fish`');
}

function bash(nodes: Node[], globalFlags: string[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.flags, ...(n.path.length ? globalFlags : [])].join(' ')}" ;;`)
    .join('\n');
  return `# kaito bash completion: source <(kaito completion bash)
_kaito_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i=1; i<COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "$path\${path:+ }$w" in
${nodes.filter((n) => n.path.length).map((n) => `      "${n.path.join(' ')}") path="${n.path.join(' ')}" ;;`).join('\n')}
    esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _kaito_complete kaito
`;
}

function fish(nodes: Node[], globalFlags: string[]): string {
  const lines = ['# kaito fish completion: kaito completion fish | source', 'complete -c kaito -f'];
  for (const n of nodes) {
    const cond = n.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${n.path[n.path.length - 1]}`;
    for (const s of n.subcommands) lines.push(`complete -c kaito -n '${cond}' -a ${s}`);
    for (const f of n.flags) if (f.startsWith('--')) lines.push(`complete -c kaito -n '${cond}' -l ${f.slice(2)}`);
  }
  for (const f of globalFlags) if (f.startsWith('--')) lines.push(`complete -c kaito -l ${f.slice(2)}`);
  return lines.join('\n') + '\n';
}
