// Entry point of the kube port for commands: the client, resource paths and the error mapping. Commands get
// their KubeClient from the command context (ctx.kube(), src/cli/factory.ts), never by building one.
export { KubeClient, resourcePath, RESOURCES, type KubeObject, type KubeList } from './client.js';
export { KubeApiError, isNotFound, isConflict, statusOf, toKaitoError } from './errors.js';
export type { ClusterTarget } from './target.js';
