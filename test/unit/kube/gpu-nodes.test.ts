// compat A32: the CLI's reading of BYO nodes matches what Kaito's webhook refuses (pure core).
import { describe, expect, it } from 'vitest';
import { byoNodeProblem, gpuNode, type GpuNode } from '../../../src/kube/gpu-nodes.js';

const node = (name: string, labels: Record<string, string> = {}, gpus = 1): GpuNode =>
  gpuNode({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, status: { capacity: { 'nvidia.com/gpu': String(gpus) } } } as never);
const gfd = (product = 'NVIDIA-A10', count = '1', memory = '23028') => ({ 'nvidia.com/gpu.product': product, 'nvidia.com/gpu.count': count, 'nvidia.com/gpu.memory': memory });

describe('byoNodeProblem', () => {
  it('none, missing labels, mixed GPUs, or fine', () => {
    expect(byoNodeProblem([], 'pool=a', '0.12.0')).toMatch(/^no node matches pool=a, so Kaito 0\.12\.0 refuses the workspace in BYO mode: create a pool with `kaito nodepool add/);
    expect(byoNodeProblem([node('n1'), node('n2', gfd())], 'pool=a', '0.12.0')).toMatch(/^node n1 matching pool=a lacks the GPU labels Kaito 0\.12\.0 reads .*featureGates\.disableNodeAutoProvisioning=true/);
    expect(byoNodeProblem(['a', 'b', 'c', 'd', 'e'].map((n) => node(n)), 'pool=a', undefined)).toMatch(/^nodes a, b, c and 2 more matching pool=a lack the GPU labels Kaito \(0\.8\+\) reads/);
    expect(byoNodeProblem([node('n1', gfd()), node('n2', gfd('NVIDIA-A10', '2'))], 'pool=a', '0.10.0')).toMatch(/mix GPUs \(NVIDIA-A10 x1, 23028 MiB; NVIDIA-A10 x2, 23028 MiB\)/);
    expect(byoNodeProblem([node('n1', gfd()), node('n2', gfd())], 'pool=a', '0.12.0')).toBeNull();
  });
  it('reads capacity and labels from a Node', () => {
    expect(node('x', gfd('Tesla-T4'), 4)).toEqual({ name: 'x', gpus: 4, product: 'Tesla-T4', count: '1', memoryMiB: '23028' });
  });
});
