import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';
import { outputHelp, refuseOtherOutput } from '../../cli/output.js';
import { OUTPUT_CHAT as OUTPUT } from '../output-formats.js';


export function register(program: Command, h: Harness): void {
  program
    .command('chat')
    .description('chat with an inference workspace: one-shot with PROMPT or piped stdin, a REPL on a TTY')
    .argument('[prompt...]', 'the question (one-shot)')
    .option('--workspace <ws>', 'inference workspace (default: kaito.yaml current, else the only one)')
    .option('--model <m>', 'model (default: the adapter when exactly one is loaded, else the base model)')
    .option('--system <text>', 'system prompt')
    .option('--temperature <f>', 'sampling temperature')
    .option('--max-tokens <n>', 'maximum tokens in the answer')
    .option('--top-p <f>', 'nucleus sampling')
    .option('--no-stream', 'wait for the whole answer')
    .option('--endpoint <url>', 'talk to this base URL directly (skip Kubernetes)')
    .addOption(new Option('--via <transport>', 'how to reach the service').choices(['service-proxy', 'port-forward']).default('service-proxy'))
    .addHelpText('after', outputHelp(OUTPUT.chat))
    .hook('preAction', refuseOtherOutput(OUTPUT.chat))
    .action(h.lazy(() => import('./chat.js')));
}
