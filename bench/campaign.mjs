// The full reliability campaign: every command x fault cell N times (default 50), the bad-input corpus, and
// the secret grep over every output. Bundles test/reliability/* with esbuild (the CLI itself must be built:
// `npm run build`), writes bench/campaign-results.json and, with --write, the "## Reliability" section of
// bench/README.md (other sections are kept).
//   node bench/campaign.mjs [--n 50] [--concurrency 3] [--faults a,b] [--commands a,b] [--write]
//   node bench/campaign.mjs --report-only     (rewrite the README section from campaign-results.json)
import { importBundled } from './lib.mjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const arg = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const N = Number(arg('n', 50));
const CONCURRENCY = Number(arg('concurrency', 3));
const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'dist'))) throw new Error('run `npm run build` first: the campaign drives bin/kaito.js');
process.env.KAITO_BIN = join(root, 'bin', 'kaito.js');

let results;
if (argv.includes('--report-only')) results = JSON.parse(readFileSync(join(root, 'bench', 'campaign-results.json'), 'utf8'));
else {
const entry = join(root, 'node_modules', '.cache', 'kaito-bench', 'campaign-entry.ts');
mkdirSync(dirname(entry), { recursive: true });
writeFileSync(entry, [
  `export { runCampaign, secretHits, FAULTS, COMMANDS } from ${JSON.stringify(join(root, 'test/reliability/campaign.ts'))};`,
  `export { BAD_INPUTS } from ${JSON.stringify(join(root, 'test/reliability/bad-inputs.ts'))};`,
  `export { runBadInputs } from ${JSON.stringify(join(root, 'test/reliability/bad-runner.ts'))};`,
  `export { startCampaignSandbox, snapshot, mutations } from ${JSON.stringify(join(root, 'test/reliability/sandbox.ts'))};`,
].join('\n'));
const m = await importBundled(entry, 'campaign');

const started = Date.now();
const faults = arg('faults')?.split(',');
const commands = arg('commands')?.split(',');
const campaign = await m.runCampaign({ n: N, concurrency: CONCURRENCY, faults, commands, log: (l) => console.error(l) });
const campaignMs = Date.now() - started;

// the bad-input corpus once, against a fresh sandbox
const secret = `planted-${Math.random().toString(36).slice(2)}-s3cr3t`;
const sb = await m.startCampaignSandbox();
const before = m.snapshot(sb);
const from = sb.ctx.requestLog.length;
const bad = await m.runBadInputs(sb, m.BAD_INPUTS, secret);
const badChanges = m.mutations(sb, from).length + (JSON.stringify(m.snapshot(sb)) === JSON.stringify(before) ? 0 : 1);
await sb.dispose();

const leaks = m.secretHits([...campaign.outputs, ...bad.flatMap((b) => [b.r.stdout, b.r.stderr])], [...campaign.secrets, secret]);
const byCode = (code) => m.BAD_INPUTS.filter((e) => e.code === code).length;
results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((x) => Math.round(x * 10) / 10),
  n: N,
  concurrency: CONCURRENCY,
  faults: Object.fromEntries(Object.entries(m.FAULTS).filter(([k]) => !faults || faults.includes(k))),
  campaignSeconds: Math.round(campaignMs / 1000),
  cells: campaign.cells,
  totals: {
    runs: campaign.cells.reduce((a, c) => a + c.runs, 0),
    ok: campaign.cells.reduce((a, c) => a + c.ok, 0),
    cleanFailures: campaign.cells.reduce((a, c) => a + c.cleanFail, 0),
    wrong: campaign.cells.reduce((a, c) => a + c.wrong, 0),
    hangs: campaign.cells.reduce((a, c) => a + c.hangs, 0),
    duplicates: campaign.cells.reduce((a, c) => a + c.duplicates, 0),
    leakedProcesses: campaign.cells.reduce((a, c) => a + c.leakedProcesses, 0),
    leakedSockets: campaign.cells.reduce((a, c) => a + c.leakedSockets, 0),
    secretsLeaked: leaks.length,
  },
  badInputs: {
    entries: bad.length,
    exit2: byCode(2),
    exit1: byCode(1),
    exit4: byCode(4),
    rejectedAsExpected: bad.filter((b) => b.problems.length === 0).length,
    knownBugs: bad.filter((b) => b.entry.known).map((b) => ({ id: b.entry.id, problems: b.problems, owner: b.entry.known })),
    otherFailures: bad.filter((b) => !b.entry.known && b.problems.length).map((b) => ({ id: b.entry.id, problems: b.problems })),
    changesInSandbox: badChanges,
  },
  examples: campaign.cells.filter((c) => c.examples.length).map((c) => ({ cell: `${c.command} x ${c.fault}`, examples: c.examples })),
};
writeFileSync(join(root, 'bench', 'campaign-results.json'), JSON.stringify(results, null, 2) + '\n');
console.error(`wrote bench/campaign-results.json (${results.totals.runs} runs in ${results.campaignSeconds} s)`);

}

if (argv.includes('--write') || argv.includes('--report-only')) {
  const t = results.totals;
  const faultNames = Object.keys(results.faults);
  const rows = [...new Set(results.cells.map((c) => c.command))].map((cmd) => {
    const cells = faultNames.map((f) => results.cells.find((c) => c.command === cmd && c.fault === f));
    return `| ${cmd} | ${cells.map((c) => (c ? `${c.ok}/${c.runs}${c.cleanFail ? ` (+${c.cleanFail})` : ''}${c.wrong ? ` **${c.wrong} wrong**` : ''}${c.rerun ? ' *' : ''}` : '-')).join(' | ')} |`;
  });
  const section = [
    '## Reliability',
    '',
    `Run: \`npm run build && node bench/campaign.mjs --n ${results.n} --write\` (bench/campaign.mjs; CI runs the same campaign at N=2 in`,
    '`test/reliability/`). Each command runs N times per fault against an in-process sandbox injecting it, as child',
    `processes of bin/kaito (${results.concurrency} at a time, the proxy one at a time), each with a hard 60 s deadline. Faults: ${faultNames.map((f) => `\`${f}\`${results.faults[f].length ? ` (${results.faults[f].join(' ')})` : ''}`).join(', ')}.`,
    '',
    `${results.date.slice(0, 10)}, Node ${results.node}, ${results.cpus} cores (load average ${results.loadavg[0]}), N=${results.n}: ${t.runs} runs in ${results.campaignSeconds} s.`,
    'A cell reads ok/runs; (+k) are clean failures: exit 1 with one clear line and nothing duplicated, exit 3 "not',
    'ready" from chat/proxy caught while the pod restarts, or a proxied answer cut because its upstream was cut.',
    '',
    `| command | ${faultNames.join(' | ')} |`,
    `|---|${faultNames.map(() => '---').join('|')}|`,
    ...rows,
    ...results.cells.filter((c) => c.rerun).map((c) => `\\* ${c.command} x ${c.fault}: re-run ${c.rerun}.`),
    ...(results.note ? [`(${results.note}.)`] : []),
    '',
    '| figure | value |',
    '|---|---|',
    `| runs that did the job (exit 0, right objects) | ${t.ok} / ${t.runs} |`,
    `| clean failures (one clear line, nothing duplicated; see above) | ${t.cleanFailures} |`,
    `| wrong outcomes | ${t.wrong} |`,
    `| hangs (killed at the deadline) | ${t.hangs} |`,
    `| duplicate objects | ${t.duplicates} |`,
    `| leaked processes / sockets | ${t.leakedProcesses} / ${t.leakedSockets} |`,
    `| secrets leaked (6 kinds planted, raw and base64, --debug runs included) | ${t.secretsLeaked} |`,
    `| bad inputs rejected as specified | ${results.badInputs.rejectedAsExpected} / ${results.badInputs.entries} (exit 2: ${results.badInputs.exit2}, exit 1: ${results.badInputs.exit1}, exit 4: ${results.badInputs.exit4}) |`,
    `| objects created by bad inputs | ${results.badInputs.changesInSandbox} |`,
    '',
    ...(results.badInputs.knownBugs.length ? ['Bad inputs not yet rejected as specified (reported to their owners):', ...results.badInputs.knownBugs.map((k) => `- ${k.id}: ${k.problems.join(', ') || 'fixed since'}`), ''] : []),
    ...(results.badInputs.otherFailures.length ? ['Bad inputs answered wrongly:', ...results.badInputs.otherFailures.map((k) => `- ${k.id}: ${k.problems.join(', ')}`), ''] : []),
    ...(results.examples.length ? ['Clean failures and what they said (first of each cell):', ...results.examples.map((e) => `- ${e.cell}: \`${String(e.examples[0]).slice(0, 160)}\``), ''] : []),
    'Details: docs/reliability.md.',
    '',
  ].join('\n');
  const readmePath = join(root, 'bench', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const re = /## Reliability\n[\s\S]*?(?=\n## |$)/;
  writeFileSync(readmePath, re.test(readme) ? readme.replace(re, section.trimEnd() + '\n') : readme.trimEnd() + '\n\n' + section);
  console.error('updated the Reliability section of bench/README.md');
}
