import type { Command } from 'commander';
import type { Harness } from '../../cli/harness.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function register(program: Command, h: Harness): void {
  program
    .command('lint')
    .description('check Workspace YAML offline against the API server schema and Kaito\'s rules for one release (-o json|sarif)')
    .argument('[paths...]', 'files or directories (recursively *.yaml, *.yml, *.json); - reads stdin')
    .option('-f, --filename <path>', 'a file, directory or - (repeatable)', collect)
    .option('--kaito-version <v>', 'Kaito release whose rules apply: 0.6, 0.10, 0.11 or 0.12 (default 0.12; with --context/--kubeconfig and no --kaito-version: the cluster\'s)')
    .option('--node-provisioning <mode>', 'nap or byo: also check resource.instanceType against the mode (default: the cluster\'s with --context/--kubeconfig, else not checked)')
    .option('--strict', 'exit 1 when there are warnings but no errors')
    .option('--fix', 'rewrite what is mechanical and safe in place (apiVersion v1alpha1 -> v1beta1, the case of tuning.method and kaito.sh/enablelb) and print a diff')
    .action(h.lazy(() => import('./lint.js')));
}
