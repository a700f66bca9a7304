// The parts of @kubernetes/client-node the CLI uses at run time: KubeConfig (kubeconfig loading, contexts,
// tokens, client certificates, exec/OIDC/Azure auth plugins, TLS and proxies) and RequestContext, which
// carries what KubeConfig adds to a request. Imported from their own modules rather than the package
// index, which re-exports ~6 MB of generated API clients the CLI never calls (it builds its requests in
// kube/client.ts); scripts/build.mjs keeps those out of the bundle (issue 16: that chunk cost ~150 ms of
// compile on every kubectl-like command). Port-forward loads its part of the package on demand.
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export type { Cluster } from '@kubernetes/client-node/dist/config_types.js';
