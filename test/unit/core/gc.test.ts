// kaito gc's ownership rules (src/core/gc.ts): only objects labelled by Kaito or the CLI, only when their workspace is gone.
import { describe, expect, it } from 'vitest';
import { cliObjectWorkspace, costOrphans, findOrphans, type Orphan, stringsIn, type GcInput, type GcObject } from '../../../src/core/gc.js';

const ws = (namespace: string, name: string, spec: object = {}) => ({ namespace, name, refs: stringsIn(spec) });
const obj = (name: string, labels: Record<string, string>, namespace?: string, spec?: unknown): GcObject => ({ metadata: { name, labels, ...(namespace ? { namespace } : {}) }, spec });
const base = (o: Partial<GcInput>): GcInput => ({ workspaces: [], nodeClaims: [], nodePools: [], configMaps: [], secrets: [], ...o });
const it100 = { requirements: [{ key: 'node.kubernetes.io/instance-type', values: ['Standard_NC24ads_A100_v4'] }] };

describe('findOrphans', () => {
  it('a Karpenter NodePool Kaito wrote for a gone workspace is an orphan; its NodeClaims go with it', () => {
    const pool = obj('default-gone', { 'karpenter.kaito.sh/managed-by': 'kaito', 'karpenter.kaito.sh/workspace-name': 'gone', 'karpenter.kaito.sh/workspace-namespace': 'default' }, undefined, { template: { spec: it100 } });
    const claim = obj('default-gone-abc', { 'karpenter.sh/nodepool': 'default-gone', 'karpenter.kaito.sh/workspace-name': 'gone', 'karpenter.kaito.sh/workspace-namespace': 'default' });
    const other = obj('team-pool', { 'karpenter.kaito.sh/workspace-name': 'gone', 'karpenter.kaito.sh/workspace-namespace': 'default' }); // no managed-by: not Kaito's
    const out = findOrphans(base({ nodePools: [pool, other], nodeClaims: [claim], gpusOf: () => 1 }));
    expect(out).toEqual([{ kind: 'NodePool', name: 'default-gone', workspace: 'default/gone', reason: 'workspace default/gone no longer exists', instanceType: 'Standard_NC24ads_A100_v4', gpus: 1, nodes: 1 }]);
  });

  it('NodeClaims of an existing workspace, of another namespace\'s workspace, unlabelled or being deleted are left alone', () => {
    const mk = (n: string, w: string, ns: string) => obj(n, { 'kaito.sh/workspace': w, 'kaito.sh/workspacenamespace': ns });
    const deleting = { ...mk('c4', 'gone', 'default'), metadata: { ...mk('c4', 'gone', 'default').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const out = findOrphans(base({ workspaces: [ws('default', 'a'), ws('team', 'b')], nodeClaims: [mk('c1', 'a', 'default'), mk('c2', 'b', 'team'), mk('c3', 'b', 'default'), obj('c5', {}), deleting] }));
    expect(out.map((o) => o.name)).toEqual(['c3']);
  });

  it('CLI ConfigMaps/Secrets: by label or by the CLI\'s names; kept when their workspace exists or any workspace refers to them', () => {
    const m = { 'app.kubernetes.io/managed-by': 'kaito-cli' };
    const out = findOrphans(base({
      workspaces: [ws('default', 'live', { tuning: { output: { imagePushSecret: 'shared-push' } } })],
      configMaps: [obj('old-tuning-0123abcd', m, 'default'), obj('live-tuning-0123abcd', m, 'default'), obj('x', { ...m, 'kaito.sh/workspace': 'gone' }, 'default'), obj('gone-tuning', { 'kaito.sh/workspace': 'gone' }, 'default')],
      secrets: [obj('shared-push', m, 'default'), obj('gone-hf-token', m, 'default'), obj('random', m, 'default'), obj('live-push', m, 'team')],
    }));
    expect(out.map((o) => `${o.kind}/${o.namespace}/${o.name}`)).toEqual(['ConfigMap/default/old-tuning-0123abcd', 'ConfigMap/default/x', 'Secret/default/gone-hf-token', 'Secret/team/live-push']);
  });

  it('agent pools: a CLI pool no workspace is placed on; a gpu-provisioner pool whose workspace and NodeClaim are gone', () => {
    const pool = (name: string, o: object) => ({ name, vmSize: 'Standard_NC24ads_A100_v4', gpus: 1, count: 2, createdByKaito: false, nodeLabels: {}, ...o });
    const out = findOrphans(base({
      workspaces: [ws('default', 'a', { resource: { labelSelector: { matchLabels: { agentpool: 'used' } } } })],
      nodeClaims: [obj('wsclaim1', { 'kaito.sh/workspace': 'a', 'kaito.sh/workspacenamespace': 'default' })],
      agentPools: [pool('used', { createdByKaito: true }), pool('spare', { createdByKaito: true }), pool('wsclaim1', { kaitoWorkspace: 'default/gone' }), pool('wsleak', { kaitoWorkspace: 'default/gone' }), pool('wslive', { kaitoWorkspace: 'default/a' }), pool('system', {})],
    }));
    expect(out.map((o) => [o.name, o.gpus])).toEqual([['spare', 2], ['wsleak', 2]]);
  });

  it('reads the workspace from the CLI\'s object names', () => {
    expect(['a-push', 'my-ws-hf-token', 'w-inference', 'w-tuning', 'w-tuning-deadbeef', 'w-other'].map((n) => cliObjectWorkspace(obj(n, {})))).toEqual(['a', 'my-ws', 'w', 'w', 'w', undefined]);
  });
});

describe('costOrphans', () => {
  const o = (kind: Orphan['kind'], name: string, extra: Partial<Orphan> = {}): Orphan => ({ kind, name, reason: 'r', ...extra });
  const prices = (it: string) => (it === 'A' ? { usdPerHour: 3.673 } : { usdPerHour: null, problem: `no price for ${it}` });

  it('instance type x nodes; ConfigMaps, Secrets and a NodePool without nodes bill nothing', () => {
    const c = costOrphans([o('NodeClaim', 'c', { instanceType: 'A', nodes: 1 }), o('AgentPool', 'p', { instanceType: 'A', nodes: 3 }), o('NodePool', 'np', { instanceType: 'A', nodes: 0 }), o('Secret', 's')], prices);
    expect(c).toEqual({ perItem: [3.673, 11.019, 0, 0], usdPerHour: 14.692, partial: false, unavailable: [] });
  });

  it('an unknown price or a NodePool naming no instance type is null with a reason, never a number', () => {
    const c = costOrphans([o('NodeClaim', 'c', { instanceType: 'B', nodes: 1 }), o('NodePool', 'np', { nodes: 2 }), o('NodeClaim', 'd', { instanceType: 'A', nodes: 1 })], prices);
    expect(c.perItem).toEqual([null, null, 3.673]);
    expect(c.usdPerHour).toBe(3.673);
    expect(c.partial).toBe(true);
    expect(c.unavailable).toEqual(['NodeClaim/c: no price for B', 'NodePool/np: it names no instance type']);
  });
});
