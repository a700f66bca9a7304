// Issue 19 item 5: `kaito doctor --images` test-pulls the tuning image and Kaito's helper images of the cluster's
// release, one short pod each in the namespace; the sandbox's `--fault image-pull=PATTERN` refuses matching images the
// way the kubelet reports a 401 (ErrImagePull, then ImagePullBackOff). The pods are gone afterwards (kubectl).
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);

describe('doctor --images (Kaito 0.12, curl blocked)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600, faults: ['image-pull=curlimages/*'] });
  });

  it('names the blocked image with the registry\'s answer; the others pulled; the pods are removed', async () => {
    const r = await kaito(['doctor', '--images', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    const images = doc.checks.filter((c: { group: string }) => c.group === 'images');
    expect(images.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['image-tuning', 'ok'], ['image-data-downloader', 'fail'], ['image-puller', 'ok'], ['image-pusher', 'ok'], ['image-pause', 'ok'],
    ]);
    expect(images[0].detail).toBe('mcr.microsoft.com/aks/kaito/kaito-base:0.5.0 (every tuning run (the trainer)): pulled');
    expect(images[2].detail).toMatch(/^mcr\.microsoft\.com\/aks\/skopeo:1\.14\.4-6 /);
    const blocked = images[1];
    expect(blocked.detail).toMatch(/^curlimages\/curl \(tuning\.input\.urls \(--dataset URL\)\): blocked: (ErrImagePull|ImagePullBackOff): Failed to pull image "curlimages\/curl": .*failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https:\/\/auth\.docker\.io\/token\?scope=repository%3Acurlimages%2Fcurl%3Apull&service=registry\.docker\.io: 401 Unauthorized$/);
    expect(blocked.hint).toMatch(/let the nodes pull from docker\.io/);
    expect(await kubectl('get', 'pods', '-l', 'kaito.sh/doctor-images', '-o', 'name')).toBe('');
  });

  it('the human output marks it ✗ with the fix', async () => {
    const r = await kaito(['doctor', '--images'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ image data-downloader: curlimages\/curl .*blocked: .*401 Unauthorized\n {4}fix: let the nodes pull from docker\.io/);
    expect(r.stdout).toMatch(/✓ image pusher: ghcr\.io\/oras-project\/oras:v1\.2\.2 .*: pulled/);
    expect(await kubectl('get', 'pods', '-l', 'kaito.sh/doctor-images', '-o', 'name')).toBe('');
  });

  it('bad --image-timeout use is exit 2 and creates no pod', async () => {
    const bad = await kaito(['doctor', '--images', '--image-timeout', 'soon'], { env: sb.cliEnv });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--image-timeout soon is not a duration/);
    const alone = await kaito(['doctor', '--image-timeout', '1m'], { env: sb.cliEnv });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--image-timeout only applies with --images/);
    expect(await kubectl('get', 'pods', '-l', 'kaito.sh/doctor-images', '-o', 'name')).toBe('');
  });

  it('a plain pod with a refused image shows ErrImagePull/ImagePullBackOff to kubectl, as the kubelet reports it', async () => {
    await kubectl('run', 'curl1', '--image=curlimages/curl:8.10.1', '--restart=Never');
    let reason = '';
    for (let i = 0; i < 60 && reason !== 'ImagePullBackOff'; i++) {
      reason = await kubectl('get', 'pod', 'curl1', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}');
      if (reason !== 'ImagePullBackOff') await new Promise((r) => setTimeout(r, 500));
    }
    expect(reason).toBe('ImagePullBackOff');
    const events = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=curl1', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}');
    expect(events).toMatch(/Failed: Failed to pull image "curlimages\/curl:8\.10\.1": rpc error: code = Unknown desc = failed to pull and unpack image "docker\.io\/curlimages\/curl:8\.10\.1"/);
    expect(events).toMatch(/BackOff: Back-off pulling image "curlimages\/curl:8\.10\.1"/);
    await kubectl('delete', 'pod', 'curl1', '--wait=false');
  });

  it('a tuning run whose data-downloader image is refused stops there: ImagePullBackOff on the init container', async () => {
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'blocked1', '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    let reason = '';
    // items[*]: an empty answer (not a kubectl error) while the Job has not made its pod yet
    const path = '{.items[*].status.initContainerStatuses[?(@.name=="data-downloader")].state.waiting.reason}';
    for (let i = 0; i < 120 && reason !== 'ImagePullBackOff'; i++) {
      reason = await kubectl('get', 'pods', '-l', 'kaito.sh/workspace=blocked1', '-o', `jsonpath=${path}`);
      if (reason !== 'ImagePullBackOff') await new Promise((r) => setTimeout(r, 500));
    }
    expect(reason).toBe('ImagePullBackOff');
    const weights = await kubectl('get', 'pods', '-l', 'kaito.sh/workspace=blocked1', '-o', 'jsonpath={.items[0].status.initContainerStatuses[?(@.name=="model-weights-downloader")].state.terminated.reason}');
    expect(weights).toBe('Completed');
  });
});
