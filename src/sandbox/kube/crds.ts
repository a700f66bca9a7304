// The CustomResourceDefinition objects the sandbox installs: Kaito's Workspace (v1beta1 storage,
// v1alpha1 still served, same schema, printer columns of KAITO.md §2) and karpenter's NodeClaim.
// `kaito doctor` reads them to tell which Workspace versions the cluster serves.
import type { KaitoVersion } from '../context.js';
import type { KObject } from '../store.js';
import { nodeClaimSchema, workspaceSchema, type Schema } from './kaito-schema.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

const cond = (t: string): PrinterColumn => ({ name: t, type: 'string', jsonPath: `.status.conditions[?(@.type=="${t}")].status` });
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function workspaceColumns(v: KaitoVersion): PrinterColumn[] {
  const cols: PrinterColumn[] = [
    { name: 'Instance', type: 'string', jsonPath: '.resource.instanceType', description: 'GPU instance type' },
    cond('ResourceReady'),
    cond('InferenceReady'),
    cond('JobStarted'),
    cond('WorkspaceSucceeded'),
  ];
  if (v !== '0.6') cols.push({ name: 'TargetNodeCount', type: 'integer', jsonPath: '.status.targetNodeCount' }, { name: 'State', type: 'string', jsonPath: '.status.state' });
  cols.push(age);
  return cols;
}

export const nodeClaimColumns: PrinterColumn[] = [
  { name: 'Type', type: 'string', jsonPath: '.metadata.labels.node\\.kubernetes\\.io/instance-type' },
  { name: 'Capacity', type: 'string', jsonPath: '.metadata.labels.karpenter\\.sh/capacity-type' },
  { name: 'Zone', type: 'string', jsonPath: '.metadata.labels.topology\\.kubernetes\\.io/zone' },
  { name: 'Node', type: 'string', jsonPath: '.status.nodeName' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  age,
];

function crd(group: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster', versions: string[], schema: Schema, columns: PrinterColumn[], names: { shortNames?: string[]; categories?: string[] }): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, annotations: { 'controller-gen.kubebuilder.io/version': 'v0.16.5' } },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), ...names },
      scope,
      versions: versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: schema },
        subresources: { status: {} },
        additionalPrinterColumns: columns,
      })),
    },
    status: {
      acceptedNames: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), ...names },
      storedVersions: [versions[0]],
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
      ],
    },
  };
}

/** Karpenter's NodePool CRD: installed only on clusters whose Kaito runs the karpenter provisioner (compat N21). */
export function karpenterNodePoolCrd(): KObject {
  const cols: PrinterColumn[] = [
    { name: 'NodeClass', type: 'string', jsonPath: '.spec.template.spec.nodeClassRef.name' },
    { name: 'Nodes', type: 'string', jsonPath: '.status.resources.nodes' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    age,
  ];
  return crd('karpenter.sh', 'NodePool', 'nodepools', 'Cluster', ['v1'], nodeClaimSchema, cols, { categories: ['karpenter'] });
}

export function kaitoCrds(v: KaitoVersion): KObject[] {
  return [
    crd('kaito.sh', 'Workspace', 'workspaces', 'Namespaced', ['v1beta1', 'v1alpha1'], workspaceSchema, workspaceColumns(v), { shortNames: ['wk', 'wks'], categories: ['all', 'kaito'] }),
    crd('karpenter.sh', 'NodeClaim', 'nodeclaims', 'Cluster', ['v1'], nodeClaimSchema, nodeClaimColumns, { categories: ['karpenter'] }),
  ];
}
