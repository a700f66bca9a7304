// kaito lint: reads files, directories or stdin, runs core/lint and prints human, JSON or SARIF output.
// Exit: 0 clean (warnings allowed), 1 warnings with --strict, 2 errors (also bad flags/paths).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../errors.js';
import { parseKaitoRelease, releaseForVersion } from '../../core/kaito-release.js';
import { DEFAULT_KAITO_RELEASE, type KaitoRelease } from '../../core/presets.js';
import { lintSources, type SourceFile } from '../../core/lint/index.js';
import { planFixes, unifiedDiff } from '../../core/lint/fix.js';
import { formatHuman, summarize, toJSONReport, toSarif } from '../../core/lint/report.js';
import { VERSION } from '../../version.js';

interface LintFlags {
  filename?: string[];
  kaitoVersion?: string;
  nodeProvisioning?: string;
  strict?: boolean;
  fix?: boolean;
}

const EXT = /\.(ya?ml|json)$/i;

export async function run(ctx: CommandContext, opts: LintFlags, args: unknown[]): Promise<number> {
  const format = ctx.globals.output ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown output format "${format}"`, 'use -o json or -o sarif (default: text)');
  const paths = [...((args[0] as string[] | undefined) ?? []), ...(opts.filename ?? [])];
  if (!paths.length) throw new UsageError('no files to lint', 'name files or directories: kaito lint FILE|DIR|- ... (or -f FILE)');
  let release: KaitoRelease | undefined;
  if (opts.kaitoVersion !== undefined) {
    release = parseKaitoRelease(opts.kaitoVersion);
    if (!release) throw new UsageError(`--kaito-version ${opts.kaitoVersion}: not a Kaito release the CLI knows`, 'use 0.6, 0.10, 0.11 or 0.12');
  }
  let mode: 'nap' | 'byo' | undefined;
  if (opts.nodeProvisioning !== undefined) {
    if (opts.nodeProvisioning !== 'nap' && opts.nodeProvisioning !== 'byo') throw new UsageError(`--node-provisioning ${opts.nodeProvisioning}: must be nap or byo`, 'use --node-provisioning nap or --node-provisioning byo');
    mode = opts.nodeProvisioning;
  }
  const files = await readSources(paths, ctx.io.in);

  // --context/--kubeconfig: take the release (and mode) from the cluster's Kaito controller
  if ((ctx.globals.context !== undefined || ctx.globals.kubeconfig !== undefined) && (!release || !mode)) {
    const { resolveProvisioningMode } = await import('../../kube/kaito.js');
    const kube = await ctx.kube();
    const found = await resolveProvisioningMode(kube, undefined, ctx.signal);
    if (!release) {
      release = releaseForVersion(found.controller?.version);
      if (!release) ctx.io.warn(`cannot tell the cluster's Kaito version (no controller Deployment found): using the rules of Kaito ${DEFAULT_KAITO_RELEASE}`);
      else ctx.io.info(`Kaito ${found.controller?.version} on the cluster: checking against the rules of Kaito ${release}`);
    }
    if (!mode && found.detected) mode = found.mode;
  }
  const kaitoVersion = release ?? DEFAULT_KAITO_RELEASE;

  if (opts.fix) {
    const fixes = planFixes(files.filter((f) => f.path !== undefined));
    for (const fx of fixes) {
      const target = files.find((f) => f.file === fx.file)!;
      writeFileSync(target.path!, fx.fixed);
      target.text = fx.fixed;
      ctx.io.err.write(unifiedDiff(fx));
      for (const e of fx.edits) ctx.io.info(`fixed ${fx.file}:${e.line}: ${e.what}`);
    }
    if (!fixes.length) ctx.io.info('--fix: nothing to rewrite');
    if (files.some((f) => f.path === undefined)) ctx.io.warn('--fix does not rewrite stdin');
  }

  const result = lintSources(files, { release: kaitoVersion, nodeProvisioning: mode });
  if (format === 'json') ctx.io.print(JSON.stringify(toJSONReport(result, kaitoVersion), null, 2) + '\n');
  else if (format === 'sarif') ctx.io.print(JSON.stringify(toSarif(result, kaitoVersion, VERSION), null, 2) + '\n');
  else {
    const c = ctx.io.color;
    const style = ctx.io.stdoutIsTTY && ctx.io.colorEnabled
      ? { error: (s: string) => c.red(s), warning: (s: string) => c.yellow(s), dim: (s: string) => c.dim(s), bold: (s: string) => c.bold(s) }
      : undefined;
    ctx.io.print(formatHuman(result, new Map(files.map((f) => [f.file, f.text])), style));
  }
  const s = summarize(result.findings);
  if (s.errors) return ExitCode.USAGE;
  if (s.warnings && opts.strict) return ExitCode.FAILED;
  return ExitCode.OK;
}

interface Source extends SourceFile {
  /** on disk (undefined for stdin) */
  path?: string;
}

async function readSources(paths: string[], stdin: NodeJS.ReadableStream): Promise<Source[]> {
  const out: Source[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    try {
      out.push({ file, path: file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path');
    }
  };
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (ent.name.startsWith('.') || ent.name === 'node_modules') continue;
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && EXT.test(ent.name)) add(p);
    }
  };
  for (const p of paths) {
    if (p === '-') {
      if (seen.has('-')) continue;
      seen.add('-');
      out.push({ file: '<stdin>', text: await readAll(stdin) });
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`, 'name existing files or directories (or - for stdin)');
    }
    if (st.isDirectory()) walk(p);
    else add(p);
  }
  if (!out.length) throw new UsageError(`no *.yaml, *.yml or *.json files in ${paths.join(', ')}`, 'name files or directories that hold manifests');
  return out;
}

/** `-` reads the run's stdin to its end (the terminal's, or what a test gives run()). */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
