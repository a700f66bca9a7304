// The import rules of docs/architecture.md as a checker: it reads TypeScript sources (static `import ... from`,
// `export ... from`, dynamic `import('...')` and `import('...')` types) and reports every file that breaks a
// rule. test/unit/architecture.test.ts runs it on src/ and on small in-memory examples.
import { posix } from 'node:path';
import ts from 'typescript';

export interface Source {
  /** repository-relative, forward slashes: "src/kube/client.ts" */
  path: string;
  text: string;
}

export interface Violation {
  rule: RuleId;
  file: string;
  line: number;
  detail: string;
}

export type RuleId = 'commands-construct-no-clients' | 'output-formats-declared' | 'ports-know-no-cli' | 'core-is-pure' | 'sandbox-stays-behind-its-commands' | 'shared-knows-no-command';

/** The port folders: they talk to the outside world and know nothing of the CLI. */
export const PORTS = ['kube', 'azure', 'inference', 'registry', 'net', 'dataset'] as const;

/** What the command context's factory (src/cli/factory.ts) owns: a command calling one of these builds a client itself. */
export const CLIENT_CONSTRUCTORS = [
  'new KubeClient',
  'KubeClient.fromTarget',
  'kubeFromContext',
  'new RegistryClient',
  'new AzureSession',
  'openArmSession',
  'sessionFromContext',
  'createCredential',
  'new NodePools',
  'NodePools.open',
  'new ContainerServiceClient',
  'createTerminalPrompter',
] as const;

/** Modules that do I/O: core/ imports none of them. */
export const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process', 'worker_threads', 'undici'];

/** Only the `kaito sandbox` and `kaito demo` commands start the sandbox; the CLI's other code paths never load it. */
export const SANDBOX_IMPORTERS = ['src/commands/sandbox/', 'src/commands/demo/'];

interface Ref {
  spec: string;
  line: number;
}

/** Every module a file refers to: import/export from, import() calls and import('...') types. */
export function importsOf(text: string, fileName = 'x.ts'): Ref[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Ref[] = [];
  const add = (node: ts.Node, lit: ts.Expression | undefined) => {
    if (lit && ts.isStringLiteralLike(lit)) out.push({ spec: lit.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal as ts.Expression);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** `new X(...)`, `X(...)` and `A.b(...)` calls of the names in CLIENT_CONSTRUCTORS (comments and strings do not count). */
export function constructorCallsOf(text: string, fileName = 'x.ts'): Ref[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const wanted = new Set<string>(CLIENT_CONSTRUCTORS);
  const out: Ref[] = [];
  const visit = (node: ts.Node) => {
    let name: string | undefined;
    if (ts.isNewExpression(node)) name = `new ${node.expression.getText(sf)}`;
    else if (ts.isCallExpression(node)) name = node.expression.getText(sf).replace(/^\(await\s+(.*)\)$/, '$1');
    if (name && wanted.has(name)) out.push({ spec: name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** parseOutputFormat calls whose list of formats is written inline (an array literal) instead of the def.ts OUTPUT table. */
export function inlineFormatListsOf(text: string, fileName = 'x.ts'): Ref[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Ref[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && node.expression.getText(sf) === 'parseOutputFormat' && node.arguments[1] && ts.isArrayLiteralExpression(node.arguments[1]))
      out.push({ spec: node.arguments[1].getText(sf), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A relative specifier as the repository path of the .ts file it names; bare specifiers as they are ("node:" dropped). */
export function resolveSpec(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec.replace(/^node:/, '');
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

const under = (path: string, dir: string) => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

export function checkArchitecture(files: Source[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    if (!f.path.startsWith('src/') || f.path.endsWith('.test.ts')) continue;
    const report = (rule: RuleId, line: number, detail: string) => out.push({ rule, file: f.path, line, detail });
    const refs = importsOf(f.text, f.path).map((r) => ({ ...r, target: resolveSpec(f.path, r.spec) }));
    const port = PORTS.find((p) => under(f.path, `src/${p}`));

    if (under(f.path, 'src/commands')) {
      for (const c of constructorCallsOf(f.text, f.path)) report('commands-construct-no-clients', c.line, `calls ${c.spec}: ask the command context (ctx.kube(), ctx.arm(), ctx.nodePools(), ctx.registry(), ctx.prompter())`);
      for (const c of inlineFormatListsOf(f.text, f.path)) report('output-formats-declared', c.line, `-o formats ${c.spec} written inline: declare them in the command's def.ts OUTPUT table (src/cli/output.ts)`);
    }

    for (const r of refs) {
      if (port && (under(r.target, 'src/cli') || under(r.target, 'src/commands') || r.target === 'src/main.ts'))
        report('ports-know-no-cli', r.line, `src/${port} imports ${r.target}: pass what it needs (a client, a signal, callbacks) instead`);

      if (under(f.path, 'src/core')) {
        const local = r.spec.startsWith('.');
        if (local && !under(r.target, 'src/core')) report('core-is-pure', r.line, `imports ${r.target}: core/ imports only core/ (return problems; the command makes the UsageError)`);
        if (!local && IO_MODULES.some((m) => r.target === m || r.target.startsWith(`${m}/`))) report('core-is-pure', r.line, `imports ${r.spec}: core/ does no I/O`);
      }

      if (under(r.target, 'src/sandbox') && !under(f.path, 'src/sandbox') && !SANDBOX_IMPORTERS.some((d) => f.path.startsWith(d)))
        report('sandbox-stays-behind-its-commands', r.line, `imports ${r.target}: only ${SANDBOX_IMPORTERS.join(' and ')} may load the sandbox`);

      if (under(f.path, 'src/commands/shared') && under(r.target, 'src/commands') && !under(r.target, 'src/commands/shared'))
        report('shared-knows-no-command', r.line, `imports ${r.target}: move what commands share into commands/shared or a port`);
    }
  }
  return out;
}
