// The RBAC check's decisions with a fake API server: every verb allowed -> ok; some denied -> fail naming
// exactly those verbs and resources; no authorization API -> skip; an erroring review -> warn.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/cli/context.js';
import { RBAC_NEEDS, rbacCheck, type KubeState } from '../../../src/commands/doctor/checks-kube.js';
import type { KubeClient } from '../../../src/kube/index.js';

interface Review { spec: { resourceAttributes: { verb: string; group: string; resource: string; subresource?: string; namespace?: string } } }

function fakeKube(opts: { served?: boolean; allow: (a: Review['spec']['resourceAttributes']) => boolean; fail?: boolean }) {
  const asked: Review['spec']['resourceAttributes'][] = [];
  const kube = {
    namespace: 'team-a',
    async getOptional(path: string) {
      expect(path).toBe('/apis/authorization.k8s.io/v1');
      return opts.served === false ? undefined : { kind: 'APIResourceList' };
    },
    async request(method: string, path: string, o: { body: Review }) {
      expect(method).toBe('POST');
      expect(path).toBe('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
      if (opts.fail) throw new Error('boom');
      asked.push(o.body.spec.resourceAttributes);
      return { ...o.body, status: { allowed: opts.allow(o.body.spec.resourceAttributes) } };
    },
    error: (e: unknown) => e as Error,
  };
  return { kube: kube as unknown as KubeClient, asked };
}

const ctx = { signal: new AbortController().signal } as CommandContext;
const total = RBAC_NEEDS.reduce((n, r) => n + r.verbs.length, 0);

describe('doctor RBAC check', () => {
  it('asks one review per verb the CLI uses, namespaced except nodes and nodeclaims, and passes when all are allowed', async () => {
    const { kube, asked } = fakeKube({ allow: () => true });
    const r = await rbacCheck.run(ctx, { kube } as KubeState);
    expect(r).toMatchObject({ status: 'ok', detail: `allowed: the ${total} verbs the CLI uses in namespace team-a` });
    expect(asked).toHaveLength(total);
    expect(asked).toContainEqual(expect.objectContaining({ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'team-a' }));
    expect(asked).toContainEqual(expect.objectContaining({ verb: 'create', group: '', resource: 'services', subresource: 'proxy' }));
    expect(asked.find((a) => a.resource === 'nodes')?.namespace).toBeUndefined();
    expect(asked.filter((a) => a.resource === 'workspaces').map((a) => a.verb).sort()).toEqual(['create', 'delete', 'get', 'list', 'patch', 'watch']);
  });

  it('a read-only user fails the check, naming every denied verb grouped by resource, with the fix', async () => {
    const { kube } = fakeKube({ allow: (a) => ['get', 'list', 'watch'].includes(a.verb) });
    const r = await rbacCheck.run(ctx, { kube } as KubeState);
    expect(r.status).toBe('fail');
    expect(r.detail).toBe('not allowed (namespace team-a): create,patch,delete kaito.sh/workspaces; create,patch configmaps; create,patch secrets; create services/proxy');
    expect(r.hint).toMatch(/Role/);
  });

  it('skips when the server has no authorization API, warns when a review errors', async () => {
    expect((await rbacCheck.run(ctx, { kube: fakeKube({ served: false, allow: () => true }).kube } as KubeState)).status).toBe('skip');
    const w = await rbacCheck.run(ctx, { kube: fakeKube({ fail: true, allow: () => true }).kube } as KubeState);
    expect(w).toMatchObject({ status: 'warn', detail: 'access review failed: boom' });
    expect((await rbacCheck.run(ctx, {} as KubeState)).status).toBe('skip');
  });
});
