// `kaito demo` through the built bin/kaito: the whole narrated lifecycle against its own throw-away
// sandbox, the -o json summary, a failing step (sandbox fault), bad flags, and Ctrl-C. After every run
// nothing may be left: no process that still refers to the demo's temp directory, the directory gone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito, KAITO_BIN, type CliResult } from '../../support/cli.js';

const STEPS = ['doctor', 'tune', 'wait', 'adapter', 'deploy', 'chat', 'proxy', 'delete demo-chat', 'delete demo-tune'];

/** a full demo takes ~25 s on an idle 2-core machine; the whole suite may be running next to it */
const RUN_TIMEOUT_MS = 180_000;

/**
 * The user's own cluster settings: if any of them reached a step, that step would target a context,
 * namespace or subscription the sandbox does not have, and fail.
 */
const env = () =>
  baseEnv({
    NO_COLOR: '1',
    KUBECONFIG: '/nonexistent/kubeconfig-of-the-user',
    KAITO_CONTEXT: 'users-context',
    KAITO_NAMESPACE: 'users-namespace',
    AZURE_SUBSCRIPTION_ID: 'users-own-subscription',
    KAITO_ARM_ENDPOINT: 'https://management.azure.com',
  });

function demoDir(stderr: string): string {
  const m = /files in (\/\S+kaito-demo-[A-Za-z0-9]+)/.exec(stderr);
  if (!m) throw new Error(`no temp directory named in the output:\n${stderr.slice(0, 2000)}`);
  return m[1];
}

/** pids of live processes whose command line or environment mentions `needle` (Linux /proc) */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const f of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${entry}/${f}`, 'latin1').includes(needle)) {
          found.push(Number(entry));
          break;
        }
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function expectNothingLeft(r: Pick<CliResult, 'stderr'>, pids: number[] = []): void {
  const dir = demoDir(r.stderr);
  expect(existsSync(dir), `${dir} still exists`).toBe(false);
  expect(processesMentioning(dir)).toEqual([]);
  for (const pid of pids) expect(alive(pid), `child ${pid} is still running`).toBe(false);
}

/** the part of the narration under step `name` (up to the next step header) */
function section(stderr: string, name: string): string {
  const start = stderr.search(new RegExp(`\\[\\d+/9\\] ${name} — `));
  if (start < 0) return '';
  const next = stderr.slice(start + 1).search(/\n\[\d+\/9\] |\nSummary\n/);
  return next < 0 ? stderr.slice(start) : stderr.slice(start, start + 1 + next);
}

describe('kaito demo', () => {
  it('runs the whole lifecycle, narrated on stderr, and leaves nothing behind', async () => {
    // started from a project folder whose kaito.yaml points elsewhere: the steps must not read it
    const project = mkdtempSync(join(tmpdir(), 'kaito-demo-test-'));
    writeFileSync(join(project, 'kaito.yaml'), 'cluster:\n  kubeContext: users-context\n  namespace: users-namespace\n');
    const r = await kaito(['demo'], { env: env(), cwd: project, timeoutMs: 150_000 }).finally(() => rmSync(project, { recursive: true, force: true }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    STEPS.forEach((name, i) => expect(r.stderr).toContain(`[${i + 1}/9] ${name} — `));
    // the exact command lines, as a user would type them
    expect(r.stderr).toContain('$ kaito doctor --instance-type Standard_NV36ads_A10_v5');
    expect(r.stderr).toMatch(/\$ printf %s "\$REGISTRY_PASSWORD" \| kaito tune --preset phi-3-mini-128k-instruct --method qlora .*--dataset \S+\/datasets\/kaito-ops-messages\.jsonl --output-image registry\.kaito-sandbox\.test:\d+\/demo\/phi3-ops-adapter:v1 --registry-username demo --registry-password-stdin --instance-type Standard_NV36ads_A10_v5/);
    expect(r.stderr).toContain('$ kaito deploy --from-tuning demo-tune --name demo-chat --instance-type Standard_NV36ads_A10_v5');
    expect(r.stderr).toContain('$ kaito proxy demo-chat --port 0');
    // the children's own output, indented under their step
    expect(section(r.stderr, 'tune')).toMatch(/│ ✓ secret\/demo-tune-push created/);
    expect(section(r.stderr, 'wait')).toMatch(/│ demo-tune: tuning succeeded/);
    // issue 13: the local file went to the sandbox registry as a data image; the pushed adapter image is inspected
    expect(section(r.stderr, 'tune')).toMatch(/│ ✓ pushed \S+kaito-ops-messages\.jsonl as registry\.kaito-sandbox\.test:\d+\/demo\/phi3-ops-adapter-data:[a-f0-9]{12}/);
    expect(section(r.stderr, 'adapter')).toMatch(/│ Base model: +phi-3-mini-128k-instruct/);
    expect(section(r.stderr, 'adapter')).toMatch(/│ LoRA r: +\d+/);
    expect(section(r.stderr, 'wait')).toMatch(/┆ .*step \d+\/\d+/);
    // the streamed chat answer, and the answer through the proxy
    expect(section(r.stderr, 'chat')).toMatch(/│ \[emulated\] This is the Kaito sandbox answering as demo-tune/);
    expect(section(r.stderr, 'proxy')).toMatch(/← demo-tune: \[emulated\]/);
    expect(section(r.stderr, 'proxy')).toMatch(/│ POST \/v1\/chat\/completions 200/);
    expect(section(r.stderr, 'proxy')).toMatch(/│ proxy stopped/);
    // the summary
    expect(r.stderr).toMatch(/Summary\n(.*\n)*\s+total\s+\S+/);
    expect(r.stderr).toMatch(/✓ the demo passed: 9 steps in /);
    // nothing of the user's environment reached the children, and no stack anywhere
    expect(r.stderr).not.toContain('nonexistent/kubeconfig-of-the-user');
    expect(r.stderr).not.toContain('users-own-subscription');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expectNothingLeft(r);
  }, RUN_TIMEOUT_MS);

  it('-o json prints one summary document on stdout', async () => {
    const r = await kaito(['demo', '--speed', '300', '-o', 'json'], { env: env(), timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, speed: 300 });
    expect(doc.failedStep).toBeUndefined();
    expect(doc.totalMs).toBeGreaterThan(0);
    expect(doc.steps.map((s: { name: string }) => s.name)).toEqual([...STEPS.slice(0, 3), 'progress', ...STEPS.slice(3)]);
    for (const s of doc.steps) {
      expect(Object.keys(s).sort()).toEqual(['command', 'exitCode', 'ms', 'name', 'pid']);
      expect(s).toMatchObject({ exitCode: 0 });
      expect(s.command).toMatch(/(^| \| )kaito /);
      expect(s.ms).toBeGreaterThanOrEqual(0);
    }
    // the throw-away registry password never shows, only the variable standing for it
    expect(doc.steps.find((s: { name: string }) => s.name === 'tune').command).toMatch(/^printf %s "\$REGISTRY_PASSWORD" \| kaito tune /);
    expectNothingLeft(r, doc.steps.map((s: { pid: number }) => s.pid));
  }, RUN_TIMEOUT_MS);

  it('a failing step (tuning job fails) ends the demo with exit 1 naming the step and its exit code', async () => {
    const r = await kaito(['demo', '--fault', 'tuning-fail', '-o', 'json'], { env: env(), timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error: the demo failed at step "wait": `kaito wait demo-tune --timeout \d+m` exited with code 3/);
    // the child's own error stays visible
    expect(section(r.stderr, 'wait')).toMatch(/│ error: tuning job demo-tune failed/);
    expect(r.stderr).toMatch(/✗ wait failed: exited with code 3/);
    expect(r.stderr).not.toContain('[4/9] adapter');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: false, failedStep: 'wait' });
    expect(doc.steps.find((s: { name: string }) => s.name === 'wait')).toMatchObject({ exitCode: 3 });
    expect(doc.steps.map((s: { name: string }) => s.name)).not.toContain('deploy');
    expectNothingLeft(r, doc.steps.map((s: { pid: number }) => s.pid));
  }, RUN_TIMEOUT_MS);

  it('bad --speed and --fault are reported together before anything starts (exit 2)', async () => {
    const r = await kaito(['demo', '--speed', '0', '--fault', 'no-such-fault'], { env: env() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--speed 0/);
    expect(r.stderr).toMatch(/unknown --fault no-such-fault/);
    expect(r.stderr).not.toMatch(/sandbox running/);
  });

  it('--fault is hidden from the help', async () => {
    const r = await kaito(['demo', '--help'], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--speed/);
    expect(r.stdout).not.toMatch(/--fault/);
  });

  it('Ctrl-C exits 130, stops the running child and the sandbox, and removes the temp directory', async () => {
    // at real-time speed the tuning cannot finish while the test looks: the wait child is certainly still running
    // when it is interrupted, however slow or busy the machine
    const child = spawn(process.execPath, [KAITO_BIN, 'demo', '--speed', '1'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // interrupt while the tuning is being waited for (its child process started)
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if ((/\[3\/9\] wait/.test(stderr) && processesMentioning(demoDir(stderr)).length > 0) || child.exitCode !== null) done();
      }, 100);
      const limit = setTimeout(done, 60_000);
      function done() {
        clearInterval(t);
        clearTimeout(limit);
        resolve();
      }
    });
    expect(stderr).toContain('[3/9] wait');
    const dir = demoDir(stderr);
    expect(processesMentioning(dir).length).toBeGreaterThan(0); // the wait child is running now
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(existsSync(dir)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  }, RUN_TIMEOUT_MS);
});
