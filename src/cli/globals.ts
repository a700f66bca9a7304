// Global flags (SPEC "Global flags"): parsed on the root command, visible to every subcommand.
import type { Command } from 'commander';

export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  subscription?: string;
  resourceGroup?: string;
  cluster?: string;
  armEndpoint?: string;
  config?: string;
  output?: string;
  /** false with --no-input */
  input: boolean;
  /** false with --no-color */
  color: boolean;
  debug?: boolean;
  yes?: boolean;
}

export function addGlobalOptions(program: Command): void {
  program
    .option('--kubeconfig <path>', 'kubeconfig file (else KUBECONFIG, else ~/.kube/config, else in-cluster)')
    .option('--context <name>', 'kube context to use')
    .option('-n, --namespace <ns>', "namespace (else the context's namespace, else default)")
    .option('--subscription <id>', 'Azure subscription (else AZURE_SUBSCRIPTION_ID)')
    .option('--resource-group <rg>', 'Azure resource group of the AKS cluster')
    .option('--cluster <name>', 'AKS cluster name')
    .option('--arm-endpoint <url>', 'Azure Resource Manager endpoint, or a cloud name: AzureCloud, AzureChinaCloud, AzureUSGovernment')
    .option('--config <path>', 'project file', undefined)
    .option('-o, --output <format>', 'output format: table|wide|json|yaml|name (per command)')
    .option('--no-input', 'never prompt (implied when stdin is not a TTY or CI is set)')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--debug', 'stack traces and HTTP traces (secrets redacted)')
    .option('-y, --yes', 'skip confirmations');
}
