// Where a sandbox keeps its files, and what its state file says.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface SandboxState {
  pid: number;
  url: string;
  port: number;
  startedAt: string;
  kaitoVersion: string;
  nodeProvisioning: string;
  /** written since the sandbox emulates Kaito 0.10/0.11 and karpenter; absent in older state files */
  nodeProvisioner?: string;
  speed: number;
  faults: string[];
}

/** --state-dir, else ~/.kaito/sandbox (the same default as startSandbox, without importing it); HOME from the run's env. */
export function stateDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = {}, cwd?: string): string {
  return flag ? (cwd ? resolve(cwd, flag) : resolve(flag)) : join(env.HOME || homedir(), '.kaito', 'sandbox');
}

export function readState(dir: string): SandboxState | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

/** Is the process that wrote the state file still there? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
