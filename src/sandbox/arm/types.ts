// Shapes the ARM emulator serves. They follow the ARM wire format (resource envelope + `properties`),
// not the SDK's flattened models, because that is what travels over HTTPS.

/** What a caller asks for when it creates an agent pool (the `properties` of the PUT body). */
export interface AgentPoolSpec {
  vmSize: string;
  count?: number;
  mode?: 'System' | 'User';
  osType?: 'Linux' | 'Windows';
  osSKU?: string;
  osDiskSizeGB?: number;
  nodeLabels?: Record<string, string>;
  nodeTaints?: string[];
  gpuProfile?: { driver?: 'Install' | 'None' };
  tags?: Record<string, string>;
  orchestratorVersion?: string;
}

export type ProvisioningState = 'Creating' | 'Updating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled';

export interface AgentPoolProperties extends AgentPoolSpec {
  count: number;
  mode: 'System' | 'User';
  osType: 'Linux' | 'Windows';
  osSKU: string;
  osDiskSizeGB: number;
  type: 'VirtualMachineScaleSets';
  provisioningState: ProvisioningState;
  powerState: { code: 'Running' | 'Stopped' };
  orchestratorVersion: string;
  currentOrchestratorVersion: string;
  nodeImageVersion: string;
  maxPods: number;
}

export interface AgentPool {
  id: string;
  name: string;
  type: 'Microsoft.ContainerService/managedClusters/agentPools';
  properties: AgentPoolProperties;
}

export interface ManagedCluster {
  id: string;
  name: string;
  type: 'Microsoft.ContainerService/ManagedClusters';
  location: string;
  sku: { name: string; tier: string };
  identity: { type: string };
  properties: Record<string, unknown>;
}

/** An ARM error: HTTP status plus the {"error":{"code","message"}} body. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArmError';
  }
  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
