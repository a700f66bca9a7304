// OpenAPI, only as much as kubectl needs. kubectl checks /openapi/v3 for a `fieldValidation` query
// parameter on each kind's PATCH operation: when it finds one it leaves validation to the server (we
// answer fieldValidation=Strict with 400 on unknown fields of Kaito objects) and never needs the
// protobuf-only /openapi/v2, which the sandbox does not serve (404, which kubectl tolerates: for
// built-in kinds it then computes strategic merge patches from its compiled-in types).
// Operations carry no requestBody, so kubectl never tries to build patches from these documents.
import { createHash } from 'node:crypto';
import { workspaceSchema, nodeClaimSchema } from './kaito-schema.js';
import { RESOURCES, type ResourceDef } from './resources.js';

function gvPath(r: ResourceDef, v: string): string {
  return r.group ? `apis/${r.group}/${v}` : 'api/v1';
}

function allGroupVersions(): string[] {
  return [...new Set(RESOURCES.flatMap((r) => r.versions.map((v) => gvPath(r, v))))];
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32).toUpperCase();

export function openapiV3Root(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of allGroupVersions()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash(JSON.stringify(openapiV3For(gv)))}` };
  return { paths };
}

const queryParams = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } }));

const okResponse = (ref: string) => ({ '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } });

export function openapiV3For(gv: string): Record<string, unknown> | undefined {
  const rs = RESOURCES.flatMap((r) => r.versions.filter((v) => gvPath(r, v) === gv).map((v) => ({ r, v })));
  if (!rs.length) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const { r, v } of rs) {
    const gvk = { group: r.group, version: v, kind: r.kind };
    const ref = `#/components/schemas/${(r.group || 'io.k8s.api.core').split('.').reverse().join('.')}.${v}.${r.kind}`;
    const schemaName = ref.split('/').pop()!;
    schemas[schemaName] = {
      ...(r.kind === 'Workspace' ? workspaceSchema : r.kind === 'NodeClaim' ? nodeClaimSchema : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      'x-kubernetes-group-version-kind': [gvk],
    };
    const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    const op = (verb: string) => ({
      operationId: `${verb}${r.kind}`,
      parameters: verb === 'patch' || verb === 'replace' ? queryParams : [],
      responses: okResponse(ref),
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[base] = { get: op('get'), put: op('replace'), patch: op('patch'), delete: op('delete') };
    const coll = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    paths[coll] = { get: op('list'), post: { ...op('post'), parameters: queryParams } };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (kaito sandbox)', version: 'v1.31.4' }, paths, components: { schemas } };
}
