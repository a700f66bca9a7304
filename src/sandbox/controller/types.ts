// Contracts between the emulated Kaito controller, the gpu-provisioner and whoever owns AKS agent pools
// (the ARM emulator in a full sandbox, or the small in-process fallback in ./local-pools.ts).

/** What gpu-provisioner asks AKS for: one agent pool per NodeClaim (the properties of PUT .../agentPools/{name}). */
export interface AgentPoolSpec {
  vmSize: string;
  count: number;
  mode?: 'User';
  nodeLabels: Record<string, string>;
  nodeTaints: string[];
  osDiskSizeGB?: number;
  osSKU?: string;
  tags?: Record<string, string>;
}

/**
 * The agent-pool side of AKS (the ARM emulator's in-process API has this shape). createAgentPool
 * resolves once the pool has Succeeded and its Node objects exist in the store (labelled
 * agentpool=<name>), and rejects with an Error (ARM's `code` + message) when Azure refuses (quota,
 * bad SKU). deleteAgentPool removes the pool and its Nodes; deleting a missing pool is not an error.
 */
export interface AgentPoolBackend {
  createAgentPool(name: string, spec: AgentPoolSpec): Promise<unknown>;
  deleteAgentPool(name: string): Promise<unknown>;
}

export interface ControllerOptions {
  /** the ARM emulator; without it, ./local-pools.ts creates the Nodes itself */
  agentPools?: AgentPoolBackend;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** The fields of a Workspace the controller reads (storage version kaito.sh/v1beta1, top-level spec). */
export interface WorkspaceView {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  instanceType: string;
  count: number;
  matchLabels: Record<string, string>;
  runtime: 'vllm' | 'transformers';
  kind: 'inference' | 'tuning';
  preset: string;
  adapters: Array<{ name: string; image?: string }>;
  tuning?: {
    method: string;
    config?: string;
    input: { urls?: string[]; image?: string; volumeSource?: unknown };
    output: { image?: string; imagePushSecret?: string; volumeSource?: unknown };
  };
}
