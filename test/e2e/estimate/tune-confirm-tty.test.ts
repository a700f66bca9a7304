// Issue 14: on a terminal, `kaito tune` asks before starting a run whose high estimate is above
// KAITO_CONFIRM_ABOVE_USD; "no" is exit 2 with nothing created, -y skips the question. A real terminal (tmux).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KAITO_BIN } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { TmuxSession } from '../init/tmux.js';
import { datasetUrl, kubectlFor } from '../lifecycle/helpers.js';

let sb: TestSandbox;
let session: TmuxSession | undefined;
const kubectl = kubectlFor(() => sb);

function tuneInTerminal(name: string, extra: string, threshold: string): TmuxSession {
  const env = Object.entries({ ...sb.cliEnv, TERM: 'xterm-256color', KAITO_CONFIRM_ABOVE_USD: threshold })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const args = `tune --preset phi-3-mini-128k-instruct --name ${name} --dataset '${datasetUrl(sb)}' --output-pvc out --instance-type Standard_NV36ads_A10_v5 ${extra}`;
  return (session = new TmuxSession(`env -i ${env} '${process.execPath}' '${KAITO_BIN}' ${args}; echo "EXIT=$?"`));
}

describe('tune asks on a terminal above the threshold', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
  });
  afterEach(() => {
    session?.kill();
    session = undefined;
  });

  it('"no" refuses: exit 2, nothing created', async () => {
    const t = tuneInTerminal('tty1', '', '0');
    const q = await t.waitFor(/\? Start tuning \(up to \$\d+\.\d\d\)\?/, 60_000);
    expect(q).toMatch(/cost {2}\$\d+\.\d\d - \$\d+\.\d\d/);
    t.type('n');
    t.send('Enter');
    const done = await t.waitFor(/EXIT=\d+/, 30_000);
    expect(done).toMatch(/error: tuning not started: the estimate was declined \(nothing was created\)/);
    expect(done).toMatch(/EXIT=2/);
    await expect(kubectl('get', 'workspace', 'tty1')).rejects.toThrow(/NotFound|not found/);
  });

  it('"yes" creates it; -y and a high threshold skip the question', async () => {
    const t = tuneInTerminal('tty2', '', '0');
    await t.waitFor(/\? Start tuning/, 60_000);
    t.type('y');
    t.send('Enter');
    expect(await t.waitFor(/EXIT=\d+/, 30_000)).toMatch(/workspace\/tty2 created[\s\S]*EXIT=0/);
    session?.kill();
    const y = tuneInTerminal('tty3', '-y', '0');
    const out = await y.waitFor(/EXIT=\d+/, 60_000);
    expect(out).not.toMatch(/Start tuning/);
    expect(out).toMatch(/EXIT=0/);
    session?.kill();
    const high = tuneInTerminal('tty4', '', '1000');
    const out2 = await high.waitFor(/EXIT=\d+/, 60_000);
    expect(out2).not.toMatch(/Start tuning/);
    expect(out2).toMatch(/EXIT=0/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toMatch(/tty2[\s\S]*tty3[\s\S]*tty4/);
  });
});
