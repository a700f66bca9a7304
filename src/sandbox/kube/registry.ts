// What the API server does between the HTTP request and the object store, per verb: version and
// namespace checks, defaulting, pruning, admission, managedFields, status subresource semantics.
import { randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { validateName, validateWorkspace, validateWorkspaceUpdate } from './admission.js';
import { prune, workspaceSchema, type Schema } from './kaito-schema.js';
import { recordUpdate, serverSideApply } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { ApiError, badRequest, fromStoreError, invalid, notFound } from './status.js';

type Obj = Record<string, any>;

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  /** Strict | Warn | Ignore (default Warn, like the real server) */
  fieldValidation: string;
  /** warnings for the response's Warning headers */
  warnings: string[];
}

/** Custom resources the sandbox prunes, with their schemas. */
const SCHEMAS: Record<string, Schema> = { 'kaito.sh/workspaces': workspaceSchema };
/** Custom resources drop .status on create and ignore it on the main endpoint, like CRDs with a status subresource. */
const CUSTOM = new Set(['kaito.sh/workspaces', 'karpenter.sh/nodeclaims']);

export class Registry {
  private ipCounter = 10;
  constructor(private readonly ctx: SandboxContext) {}

  /** The object as the client asked for it: apiVersion rewritten to the requested version. */
  present(r: ResourceDef, version: string, o: KObject): KObject {
    o.apiVersion = apiVersionOf(r, version);
    return o;
  }

  get(r: ResourceDef, ns: string | undefined, name: string): KObject {
    const o = this.ctx.store.get(r.key, ns, name);
    if (!o) throw notFound(r.plural, name, r.group);
    return o;
  }

  private checkNamespace(r: ResourceDef, ns: string | undefined): void {
    if (!r.namespaced || !ns) return;
    const n = this.ctx.store.get('/namespaces', undefined, ns);
    if (!n) throw notFound('namespaces', ns);
    if (n.metadata.deletionTimestamp) throw new ApiError(403, 'Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /** Checks the body's kind/apiVersion/namespace against the URL, fills them in, converts to storage. */
  private normalize(r: ResourceDef, version: string, ns: string | undefined, body: unknown, urlName?: string): KObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a JSON object');
    const o = structuredClone(body) as Obj;
    const expected = apiVersionOf(r, version);
    if (o.apiVersion && o.apiVersion !== expected) throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${expected})`);
    if (o.kind && o.kind !== r.kind) throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${r.kind})`);
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    o.metadata = o.metadata && typeof o.metadata === 'object' ? o.metadata : {};
    if (r.namespaced) {
      if (o.metadata.namespace && ns && o.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = ns;
    } else delete o.metadata.namespace;
    if (urlName !== undefined) {
      if (o.metadata.name && o.metadata.name !== urlName) throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${urlName})`);
      o.metadata.name = urlName;
    }
    return o as KObject;
  }

  /** Pruning and field validation of custom resources with a schema. */
  private pruneUnknown(r: ResourceDef, o: KObject, opts: WriteOptions): void {
    const schema = SCHEMAS[r.key];
    if (!schema) return;
    const dropped = prune(o, schema);
    if (!dropped.length) return;
    if (opts.fieldValidation === 'Strict')
      throw badRequest(`strict decoding error: ${dropped.map((d) => `unknown field "${d.slice(1)}"`).join(', ')}`);
    if (opts.fieldValidation !== 'Ignore') for (const d of dropped) opts.warnings.push(`unknown field "${d.slice(1)}"`);
  }

  private admit(r: ResourceDef, o: KObject, old: KObject | undefined): void {
    const causes = old ? [] : validateName(r.kind, o.metadata.name);
    if (r.key === 'kaito.sh/workspaces') {
      // compat A30: the tuning ConfigMap is looked up on create only (dry runs included); updates leave tuning.config unchecked
      const lookup = old ? undefined : (ns: string, name: string) => this.ctx.store.get('/configmaps', ns, name);
      // compat A32: the Node lookup too (BYO preset inference)
      const listNodes = old ? undefined : (want: Record<string, string>) => this.ctx.store.list('/nodes', undefined, (n) => Object.entries(want).every(([k, v]) => n.metadata.labels?.[k] === v)).items;
      const ws = [...validateWorkspace(o, this.ctx.nodeProvisioning, { lookup, listNodes, version: this.ctx.kaitoVersion }), ...(old ? validateWorkspaceUpdate(old, o) : [])];
      if (ws.length)
        throw invalid(r.kind, r.group, o.metadata.name, [...causes, ...ws], `admission webhook "validation.workspace.kaito.sh" denied the request: validation failed`);
    }
    if (causes.length) throw invalid(r.kind, r.group, o.metadata.name ?? '', causes);
  }

  /** Server-assigned fields and the built-in defaults clients rely on. */
  private defaults(r: ResourceDef, o: Obj): void {
    switch (r.kind) {
      case 'Namespace':
        o.spec = { finalizers: ['kubernetes'], ...o.spec };
        o.status = { phase: 'Active' };
        o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
        break;
      case 'Service':
        o.spec = { type: 'ClusterIP', sessionAffinity: 'None', ...o.spec };
        if (!o.spec.clusterIP && o.spec.clusterIP !== 'None') o.spec.clusterIP = `10.0.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter++ % 250) + 2}`;
        o.spec.clusterIPs ??= [o.spec.clusterIP];
        for (const p of o.spec.ports ?? []) {
          p.protocol ??= 'TCP';
          p.targetPort ??= p.port;
        }
        o.status ??= { loadBalancer: {} };
        break;
      case 'Secret':
        o.type ??= 'Opaque';
        if (o.stringData) {
          o.data = { ...o.data };
          for (const [k, v] of Object.entries(o.stringData as Record<string, string>)) o.data[k] = Buffer.from(String(v)).toString('base64');
          delete o.stringData;
        }
        break;
      case 'Pod':
        o.status ??= { phase: 'Pending' };
        break;
    }
  }

  create(r: ResourceDef, version: string, ns: string | undefined, body: unknown, opts: WriteOptions): KObject {
    const o = this.normalize(r, version, ns, body);
    this.checkNamespace(r, ns);
    const m = o.metadata as Obj;
    if (m.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!m.name && m.generateName) m.name = `${m.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation', 'managedFields', 'selfLink']) delete m[k];
    if (CUSTOM.has(r.key)) delete o.status;
    this.pruneUnknown(r, o, opts);
    this.defaults(r, o as Obj);
    this.admit(r, o, undefined);
    recordUpdate(undefined, o, opts.fieldManager, apiVersionOf(r, version));
    try {
      return this.ctx.store.create(r.key, o, { dryRun: opts.dryRun });
    } catch (e) {
      throw fromStoreError(e, r.plural, o.metadata.name, r.group);
    }
  }

  /** PUT: replace. A stale metadata.resourceVersion is a 409. */
  update(r: ResourceDef, version: string, ns: string | undefined, name: string, body: unknown, opts: WriteOptions, subresource?: 'status'): KObject {
    const o = this.normalize(r, version, ns, body, name);
    const cur = this.get(r, ns, name);
    return this.write(r, version, cur, o, opts, subresource, o.metadata.resourceVersion);
  }

  private write(r: ResourceDef, version: string, cur: KObject, next: KObject, opts: WriteOptions, subresource: 'status' | undefined, expectRV: string | undefined, managed?: 'apply'): KObject {
    const hasStatus = r.subresources.includes('status');
    if (subresource === 'status') {
      const merged = structuredClone(cur);
      merged.status = next.status;
      merged.metadata.resourceVersion = next.metadata.resourceVersion ?? cur.metadata.resourceVersion;
      next = merged;
    } else {
      this.pruneUnknown(r, next, opts);
      if (hasStatus) {
        if (cur.status === undefined) delete next.status;
        else next.status = structuredClone(cur.status);
      }
      if (r.kind === 'Secret') this.defaults(r, next as Obj);
      this.admit(r, next, cur);
    }
    if (!managed) recordUpdate(cur, next, opts.fieldManager, apiVersionOf(r, version), subresource);
    // metadata.managedFields lives on the object; the store's update keeps what we give it
    try {
      return this.ctx.store.update(r.key, next, { expectRV: expectRV || undefined, subresource, keepStatus: hasStatus && subresource !== 'status', dryRun: opts.dryRun });
    } catch (e) {
      throw fromStoreError(e, r.plural, cur.metadata.name, r.group);
    }
  }

  patch(r: ResourceDef, version: string, ns: string | undefined, name: string, patchType: string, body: unknown, opts: WriteOptions & { force: boolean }, subresource?: 'status'): { object: KObject; created: boolean } {
    const type = patchType.split(';')[0].trim();
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') {
      if (!opts.fieldManager || opts.fieldManager === 'unknown') throw badRequest('PATCH, application/apply-patch+yaml requires a non-empty fieldManager query parameter');
      const applied = this.normalize(r, version, ns, body, name);
      if (!(body as Obj).apiVersion || !(body as Obj).kind) throw badRequest('invalid object type: apply patches must set apiVersion and kind');
      this.pruneUnknown(r, applied, opts);
      const cur = this.ctx.store.get(r.key, ns, name);
      const result = serverSideApply(cur, applied, opts.fieldManager, opts.force, apiVersionOf(r, version), subresource);
      if (!cur) {
        // apply creates: the rest of create's checks, but managedFields come from the apply
        this.checkNamespace(r, ns);
        if (CUSTOM.has(r.key)) delete result.status;
        this.defaults(r, result as Obj);
        this.admit(r, result, undefined);
        try {
          return { object: this.ctx.store.create(r.key, result, { dryRun: opts.dryRun }), created: true };
        } catch (e) {
          throw fromStoreError(e, r.plural, name, r.group);
        }
      }
      const rv = (body as Obj).metadata?.resourceVersion as string | undefined;
      return { object: this.write(r, version, cur, result, opts, subresource, rv, 'apply'), created: false };
    }
    const cur = this.get(r, ns, name);
    const asVersion = this.present(r, version, structuredClone(cur)) as unknown as Obj;
    let patched: Obj;
    switch (type) {
      case 'application/merge-patch+json':
        patched = mergePatch(asVersion, body as never) as Obj;
        break;
      case 'application/strategic-merge-patch+json':
        if (CUSTOM.has(r.key) || r.key === 'apiextensions.k8s.io/customresourcedefinitions')
          throw new ApiError(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources: use --type merge or --type json');
        patched = strategicMergePatch(asVersion, body as never) as Obj;
        break;
      case 'application/json-patch+json':
        patched = jsonPatch(asVersion as never, body) as Obj;
        break;
      default:
        throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    if (!patched || typeof patched !== 'object') throw badRequest('the patch produced something that is not an object');
    const next = this.normalize(r, version, ns, patched, name);
    const rv = next.metadata.resourceVersion !== cur.metadata.resourceVersion ? next.metadata.resourceVersion : undefined;
    if (rv) next.metadata.resourceVersion = rv;
    return { object: this.write(r, version, cur, next, opts, subresource, rv), created: false };
  }

  delete(r: ResourceDef, ns: string | undefined, name: string, opts: { dryRun: boolean; propagationPolicy?: string; uid?: string; resourceVersion?: string }): { object: KObject; gone: boolean } {
    const cur = this.get(r, ns, name);
    if (opts.resourceVersion && opts.resourceVersion !== cur.metadata.resourceVersion)
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural}${r.group ? '.' + r.group : ''} "${name}": the ResourceVersion in the precondition (${opts.resourceVersion}) does not match the ResourceVersion in record (${cur.metadata.resourceVersion}). The object might have been modified`);
    if (opts.uid && opts.uid !== cur.metadata.uid)
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${r.plural}${r.group ? '.' + r.group : ''} "${name}": Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${cur.metadata.uid}`);
    const policy = opts.propagationPolicy ?? (r.kind === 'Namespace' ? 'Foreground' : 'Background');
    if (!['Foreground', 'Background', 'Orphan'].includes(policy)) throw badRequest(`Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    if (opts.dryRun) return this.ctx.store.delete(r.key, ns, name, { dryRun: true });
    if (!cur.metadata.deletionTimestamp) {
      const add = policy === 'Foreground' ? (r.kind === 'Namespace' ? 'kubernetes' : 'foregroundDeletion') : policy === 'Orphan' ? 'orphan' : undefined;
      if (add && !(cur.metadata.finalizers ?? []).includes(add)) {
        cur.metadata.finalizers = [...(cur.metadata.finalizers ?? []), add];
        this.ctx.store.update(r.key, cur, {});
      }
    }
    try {
      return this.ctx.store.delete(r.key, ns, name);
    } catch (e) {
      throw fromStoreError(e, r.plural, name, r.group);
    }
  }
}
