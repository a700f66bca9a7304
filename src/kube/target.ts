// Which cluster (and which AKS resource) a command is about, once flags, environment and kaito.yaml are
// resolved (src/cli/context.ts resolveTarget does that). The ports read it; they never see the CLI.
export interface ClusterTarget {
  kubeconfig?: string;
  context?: string;
  /** where context came from, for messages: "--context", "KAITO_CONTEXT" or "cluster.kubeContext in PATH" (issue 17 item 6) */
  contextFrom?: string;
  /** undefined means: the context's namespace, else "default" (resolved by the kube port) */
  namespace?: string;
  subscription?: string;
  resourceGroup?: string;
  cluster?: string;
  armEndpoint?: string;
  nodeProvisioning?: 'auto' | 'nap' | 'byo';
}
