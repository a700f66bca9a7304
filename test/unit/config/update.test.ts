import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateProjectFile } from '../../../src/config/update.js';

const dir = () => mkdtempSync(join(tmpdir(), 'kaito-upd-'));

describe('updateProjectFile', () => {
  it('sets and removes keys, keeping comments and order', () => {
    const path = join(dir(), 'kaito.yaml');
    writeFileSync(path, '# my project\ncluster:\n  name: aks # the GPU one\ntune:\n  preset: phi-4\n');
    const c = updateProjectFile(path, [[['workspace'], 'phi-4-qlora'], [['tune', 'preset'], undefined], [['tune', 'method'], 'lora']]);
    expect(c).toEqual({ cluster: { name: 'aks' }, tune: { method: 'lora' }, workspace: 'phi-4-qlora' });
    expect(readFileSync(path, 'utf8')).toBe('# my project\ncluster:\n  name: aks # the GPU one\ntune:\n  method: lora\nworkspace: phi-4-qlora\n');
  });

  it('fills an empty file', () => {
    const path = join(dir(), 'kaito.yaml');
    writeFileSync(path, '');
    expect(updateProjectFile(path, [[['workspace'], 'ws1']])).toEqual({ workspace: 'ws1' });
    expect(readFileSync(path, 'utf8')).toBe('workspace: ws1\n');
  });

  it('does not create a missing file', () => {
    const path = join(dir(), 'kaito.yaml');
    expect(updateProjectFile(path, [[['workspace'], 'x']])).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses an edit that would make the file invalid, leaving it untouched', () => {
    const path = join(dir(), 'kaito.yaml');
    writeFileSync(path, 'workspace: a\n');
    expect(() => updateProjectFile(path, [[['workspace'], 'Not_A_Name']])).toThrow(/"workspace" must be lower-case/);
    expect(() => updateProjectFile(path, [[['tune', 'registryPassword'], 'x']])).toThrow(/looks like a secret/);
    expect(readFileSync(path, 'utf8')).toBe('workspace: a\n');
  });
});
