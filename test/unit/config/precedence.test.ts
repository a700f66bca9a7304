// flag > environment > kaito.yaml > default, for every field of the cluster target.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext, resolveTarget } from '../../../src/cli/context.js';
import type { GlobalOptions } from '../../../src/cli/globals.js';
import type { LoadedProject } from '../../../src/config/project.js';
import { createIOStreams } from '../../../src/ui/iostreams.js';

const SUB = (n: number) => `${n}${n}${n}${n}${n}${n}${n}${n}-0000-0000-0000-000000000000`;
const FILE: LoadedProject = {
  path: 'kaito.yaml',
  exists: true,
  config: {
    cluster: { subscription: SUB(1), resourceGroup: 'rg-file', name: 'aks-file', kubeContext: 'ctx-file', namespace: 'ns-file', armEndpoint: 'https://file.example', nodeProvisioning: 'byo' },
  },
};
const ENV = {
  AZURE_SUBSCRIPTION_ID: SUB(2),
  KAITO_RESOURCE_GROUP: 'rg-env',
  KAITO_CLUSTER: 'aks-env',
  KAITO_CONTEXT: 'ctx-env',
  KAITO_NAMESPACE: 'ns-env',
  KAITO_ARM_ENDPOINT: 'https://env.example',
};
const FLAGS: GlobalOptions = {
  input: true,
  color: true,
  subscription: SUB(3),
  resourceGroup: 'rg-flag',
  cluster: 'aks-flag',
  context: 'ctx-flag',
  namespace: 'ns-flag',
  armEndpoint: 'https://flag.example',
  kubeconfig: '/tmp/kc',
};
const NONE: GlobalOptions = { input: true, color: true };
const EMPTY: LoadedProject = { path: 'kaito.yaml', exists: false, config: {} };

describe('cluster target precedence', () => {
  it('a flag beats the environment and the file', () => {
    expect(resolveTarget(FLAGS, ENV, FILE)).toEqual({
      kubeconfig: '/tmp/kc',
      subscription: SUB(3),
      resourceGroup: 'rg-flag',
      cluster: 'aks-flag',
      context: 'ctx-flag',
      contextFrom: '--context',
      namespace: 'ns-flag',
      armEndpoint: 'https://flag.example',
      nodeProvisioning: 'byo',
    });
  });

  it('the environment beats the file', () => {
    expect(resolveTarget(NONE, ENV, FILE)).toMatchObject({
      subscription: SUB(2),
      resourceGroup: 'rg-env',
      cluster: 'aks-env',
      context: 'ctx-env',
      contextFrom: 'KAITO_CONTEXT',
      namespace: 'ns-env',
      armEndpoint: 'https://env.example',
    });
    // AZURE_RESOURCE_GROUP is the fallback name az users already export
    expect(resolveTarget(NONE, { AZURE_RESOURCE_GROUP: 'rg-az' }, FILE).resourceGroup).toBe('rg-az');
    expect(resolveTarget(NONE, { AZURE_RESOURCE_GROUP: 'rg-az', KAITO_RESOURCE_GROUP: 'rg-kaito' }, FILE).resourceGroup).toBe('rg-kaito');
  });

  it('the file beats the defaults', () => {
    expect(resolveTarget(NONE, {}, FILE)).toEqual({
      kubeconfig: undefined,
      subscription: SUB(1),
      resourceGroup: 'rg-file',
      cluster: 'aks-file',
      context: 'ctx-file',
      contextFrom: 'cluster.kubeContext in kaito.yaml',
      namespace: 'ns-file',
      armEndpoint: 'https://file.example',
      nodeProvisioning: 'byo',
    });
  });

  it('with nothing given everything is left to the defaults (current context, its namespace, public ARM)', () => {
    const t = resolveTarget(NONE, {}, EMPTY);
    for (const v of Object.values(t)) expect(v).toBeUndefined();
  });

  it('an empty flag or variable does not hide the next source', () => {
    expect(resolveTarget({ ...NONE, namespace: '' }, { KAITO_NAMESPACE: '' }, FILE).namespace).toBe('ns-file');
  });

  it('each field falls through on its own', () => {
    const t = resolveTarget({ ...NONE, cluster: 'aks-flag' }, { KAITO_NAMESPACE: 'ns-env' }, FILE);
    expect(t).toMatchObject({ cluster: 'aks-flag', namespace: 'ns-env', context: 'ctx-file', subscription: SUB(1) });
  });

  it('the command context reads kaito.yaml from --config, KAITO_CONFIG or ./kaito.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-prec-'));
    writeFileSync(join(dir, 'kaito.yaml'), 'cluster:\n  namespace: from-default-file\n');
    writeFileSync(join(dir, 'other.yaml'), 'cluster:\n  namespace: from-other-file\n');
    const io = (env: NodeJS.ProcessEnv) => createIOStreams({ env });
    const signal = new AbortController().signal;
    expect(createContext(io({}), NONE, signal, dir).target().namespace).toBe('from-default-file');
    expect(createContext(io({ KAITO_CONFIG: 'other.yaml' }), NONE, signal, dir).target().namespace).toBe('from-other-file');
    expect(createContext(io({ KAITO_CONFIG: 'other.yaml' }), { ...NONE, config: 'kaito.yaml' }, signal, dir).target().namespace).toBe('from-default-file');
    expect(createContext(io({ KAITO_NAMESPACE: 'env-ns' }), NONE, signal, dir).target().namespace).toBe('env-ns');
    expect(createContext(io({ KAITO_NAMESPACE: 'env-ns' }), { ...NONE, namespace: 'flag-ns' }, signal, dir).target().namespace).toBe('flag-ns');
  });
});
