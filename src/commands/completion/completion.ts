// Shell completion scripts: thin wrappers around `kaito __complete`, so they never drift from the flags.
import { UsageError } from '../../errors.js';
import type { CommandContext } from '../../cli/context.js';

export async function run(ctx: CommandContext, _opts: unknown, args: unknown[]): Promise<void> {
  const shell = String(args[0]);
  if (shell === 'bash') ctx.io.print(BASH);
  else if (shell === 'zsh') ctx.io.print('autoload -U +X bashcompinit && bashcompinit\n' + BASH);
  else if (shell === 'fish') ctx.io.print(FISH);
  else throw new UsageError(`unsupported shell "${shell}"`, 'use `kaito completion bash`, `zsh` or `fish`');
}

// Both scripts ask the binary the user typed (`kaito __complete -- WORDS... CURRENT`, see complete.ts), so values
// come from the live command tree, the catalog, the kubeconfig and the cluster; `:file` means "complete file names".
const BASH = `# kaito bash completion: source <(kaito completion bash)
_kaito_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out
  out=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)
  if [[ "\${out%%$'\\n'*}" == ":file" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=( $(compgen -f -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$out" -- "$cur") )
  fi
}
complete -F _kaito_complete kaito
`;

const FISH = `# kaito fish completion: kaito completion fish | source
function __kaito_complete
  set -l words (commandline -opc)
  set -l cur (commandline -ct)
  set -l out ($words[1] __complete -- $words[2..-1] $cur 2>/dev/null)
  if test "$out[1]" = ":file"
    __fish_complete_path $cur
  else
    printf '%s\\n' $out
  end
end
complete -c kaito -f -a '(__kaito_complete)'
`;
