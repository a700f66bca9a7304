import { Option, type Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

export function register(program: Command, h: Harness): void {
  program
    .command('proxy')
    .description('a local OpenAI-compatible endpoint forwarding /v1/* to the workspace')
    .argument('[ws]', 'inference workspace (default: kaito.yaml current, else the only one)')
    .option('--workspace <ws>', 'same as the WS argument')
    .option('--port <n>', 'local port (0 picks a free one)', '8080')
    .option('--host <addr>', 'address to bind (anything but loopback requires --api-key)', '127.0.0.1')
    .option('--api-key <file|->', 'require clients to send this key (Authorization: Bearer KEY); the key is read from FILE, or from stdin with -, never taken from the command line')
    .option('--endpoint <url>', 'forward to this base URL directly (skip Kubernetes)')
    .addOption(new Option('--via <transport>', 'how to reach the service').choices(['service-proxy', 'port-forward']).default('service-proxy'))
    .action(h.lazy(() => import('./proxy.js')));
}
