// Bundles src/ into dist/ with esbuild: ESM, code-split so each command's heavy SDKs load only when that
// command runs. Every runtime dependency is bundled (including undici 7, which client-node 2.x would
// otherwise resolve to undici 8 and crash on Node 20), so the packed tarball needs no install-time
// resolution. The build goes to a temporary folder and is moved in chunk-first, main.js last, so a
// kaito process started during a rebuild never sees a half-written file. `--clean` empties dist/ first.
// Start-up (bench/startup.mjs) shapes three details: commander's child_process (only needed for
// executable subcommands, which kaito has none of) loads on first use instead of pulling net/dgram/
// streams in at start; the require/__dirname shim goes only into the files that use it; and
// dist/catalog.json holds the parsed presets and templates (scripts/catalog-snapshot.mjs).
import { build } from 'esbuild';
import { statSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { catalogSnapshot } from './catalog-snapshot.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const tmp = join(root, `.dist-tmp-${process.pid}`);
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
rmSync(tmp, { recursive: true, force: true });

// CommonJS dependencies inside an ESM bundle need require/__dirname.
const SHIM =
  "import { createRequire as __kaitoCreateRequire } from 'node:module'; import { fileURLToPath as __kaitoFileURLToPath } from 'node:url'; import { dirname as __kaitoDirname } from 'node:path'; const require = __kaitoCreateRequire(import.meta.url); const __filename = __kaitoFileURLToPath(import.meta.url); const __dirname = __kaitoDirname(__filename);";

/** commander requires node:child_process at load time; hand it a stand-in that loads the real one on first spawn. */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (a) => (/[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: 'child_process', namespace: 'kaito-lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'kaito-lazy' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

/**
 * client-node's config.js imports its generated API index (~6 MB: every API group's client and model) only
 * for makeApiClient(), which kaito never calls (src/kube/k8s.ts). Hand config.js the two names it imports
 * from their own small modules, so the KubeConfig chunk stays ~1.5 MB (issue 16). Other importers of the
 * index (port-forward) get the real one, in their own lazily loaded chunk.
 */
const slimClientNodeConfig = {
  name: 'slim-client-node-config',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (a) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(a.importer) ? { path: join(dirname(a.importer), 'gen'), namespace: 'kaito-slim-gen' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kaito-slim-gen' }, (a) => ({
      contents: `export { createConfiguration } from './configuration.js'; export { ServerConfiguration } from './servers.js';`,
      loader: 'js',
      resolveDir: a.path,
    }));
  },
};

/**
 * client-node's config.js imports undici for the dispatcher applySecurityAuthentication() builds, and its generated
 * HTTP layer for fetch(). kaito calls neither:
 * kube/client.ts sends over node:https with the TLS material and credentials applyToHTTPSOptions() gives (issue 16:
 * a kubectl-like command then loads no undici at all, ~0.5 MB less to compile, and no WebAssembly parser whose
 * optimisation Node 24 waits for at exit). A call that reached these stand-ins would be a kaito bug, said so.
 */
const noUndiciForClientNode = {
  name: 'no-undici-for-client-node',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (a) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/](config|gen[\\/]http[\\/]isomorphic-fetch)\.js$/.test(a.importer) ? { path: 'client-node-undici', namespace: 'kaito-no-undici' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kaito-no-undici' }, () => ({
      contents: [
        "const bug = () => new Error('kaito bug: client-node was asked to send a request itself; kube/client.ts sends over node:https');",
        'export class Agent { constructor() { throw bug(); } }',
        'export const ProxyAgent = Agent;',
        // the generated API clients' fetch (kaito never makes one: it builds its own requests)
        'export function fetch() { return Promise.reject(bug()); }',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * client-node's config.js imports the SOCKS proxy agent and client at load time (~6 ms of start-up for every kube
 * command, issue 16), though only a kubeconfig whose proxy-url is socks5:// uses them. Hand config.js stand-ins that
 * load the real modules, bundled as usual, on first use.
 */
const lazySocksForClientNode = {
  name: 'lazy-socks-for-client-node',
  setup(b) {
    b.onResolve({ filter: /^socks(-proxy-agent)?$/ }, (a) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(a.importer) ? { path: a.path, namespace: 'kaito-lazy-socks', pluginData: { resolveDir: dirname(a.importer) } } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kaito-lazy-socks' }, (a) => ({
      contents:
        a.path === 'socks'
          ? "export const SocksClient = { createConnection: (...args) => require('socks').SocksClient.createConnection(...args) };"
          : "export class SocksProxyAgent { constructor(...args) { return new (require('socks-proxy-agent').SocksProxyAgent)(...args); } }",
      loader: 'js',
      resolveDir: a.pluginData.resolveDir,
    }));
  },
};

/**
 * On Node >= 22, `import ... from 'node:http'` in an ES module makes node build the module's namespace from every
 * export, and three of them (WebSocket, CloseEvent, MessageEvent) are getters that load node's own undici: ~30 ms of
 * every kube command's start-up on Node 24 (issue 16; `await import('node:http')` 36 ms vs 3.5 ms for
 * process.getBuiltinModule). Every ESM import of node:http in the bundle gets the module object from
 * process.getBuiltinModule (Node >= 20.16, which `engines` requires) with the names kaito and its dependencies import;
 * a name missing here fails the build, not a run. require('http') in CommonJS dependencies is unaffected.
 */
const httpWithoutUndici = {
  name: 'http-without-undici',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (a) => (a.kind === 'import-statement' || a.kind === 'dynamic-import' ? { path: 'http', namespace: 'kaito-http' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'kaito-http' }, () => ({
      contents: [
        "const http = process.getBuiltinModule('node:http');",
        'export default http;',
        'export const { METHODS, STATUS_CODES, Agent, ClientRequest, IncomingMessage, OutgoingMessage, Server, ServerResponse, createServer, validateHeaderName, validateHeaderValue, get, request, maxHeaderSize, globalAgent } = http;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * undici's index loads every dispatcher, the mock and cache layers and WHATWG fetch (~1 MB) when a
 * kubectl-like command only needs Agent, ProxyAgent and request() (issue 16). The bundle gets a small
 * index with those, built from the same modules; fetch (used only by client-node's generated API
 * clients, which kaito never calls) loads on first use from its own chunk. undici is pinned in
 * package.json's overrides, so the module paths below are the ones this build was made and tested with.
 */
const slimUndici = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (a) => (a.namespace === 'kaito-slim-undici' ? undefined : { path: join(root, 'node_modules/undici'), namespace: 'kaito-slim-undici' }));
    b.onLoad({ filter: /.*/, namespace: 'kaito-slim-undici' }, (a) => ({
      contents: [
        "import Dispatcher from './lib/dispatcher/dispatcher.js';",
        "import api from './lib/api/index.js';",
        "import Agent from './lib/dispatcher/agent.js';",
        "import ProxyAgent from './lib/dispatcher/proxy-agent.js';",
        "import globalDispatcher from './lib/global.js';",
        // what undici's index does so that every dispatcher has request()/stream()/pipeline()
        'Object.assign(Dispatcher.prototype, api);',
        'export { Agent, ProxyAgent, Dispatcher };',
        // the index's request(url, opts): origin and path from the URL, the dispatcher from opts or the global one
        'export function request(url, opts = {}) {',
        '  const u = typeof url === "string" ? new URL(url) : url;',
        '  const { dispatcher = globalDispatcher.getGlobalDispatcher(), ...rest } = opts;',
        '  return api.request.call(dispatcher, { ...rest, origin: u.origin, path: u.search ? u.pathname + u.search : u.pathname, method: rest.method || (rest.body ? "PUT" : "GET") });',
        '}',
        "export async function fetch(input, init) { return (await import('./lib/web/fetch/index.js')).fetch(input, init); }",
      ].join('\n'),
      loader: 'js',
      resolveDir: a.path,
    }));
  },
};

const result = await build({
  metafile: Boolean(process.env.KAITO_BUILD_META),
  entryPoints: { main: join(root, 'src/main.ts') },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  define: { __KAITO_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: SHIM },
  plugins: [lazyChildProcessForCommander, slimClientNodeConfig, noUndiciForClientNode, lazySocksForClientNode, httpWithoutUndici, slimUndici],
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
// the shim costs a node:module load per file: keep it only where require/__filename/__dirname occur
// (a word match may keep it needlessly, e.g. for the word in a string, but never drops a needed one)
for (const f of [join(tmp, 'main.js'), ...readdirSync(join(tmp, 'chunks')).filter((c) => c.endsWith('.js')).map((c) => join(tmp, 'chunks', c))]) {
  const text = readFileSync(f, 'utf8');
  if (!text.startsWith(SHIM)) continue;
  // the line stays (empty) so the source maps still line up
  const body = text.slice(SHIM.length);
  if (!/\b(require|__filename|__dirname)\b/.test(body)) writeFileSync(f, body);
}
// KAITO_BUILD_META=FILE writes esbuild's metafile there (what each chunk holds, for start-up work)
if (process.env.KAITO_BUILD_META) writeFileSync(process.env.KAITO_BUILD_META, JSON.stringify(result.metafile));
writeFileSync(join(tmp, 'catalog.json'), JSON.stringify(catalogSnapshot(root)));
mkdirSync(join(dist, 'chunks'), { recursive: true });
const fresh = new Set(readdirSync(join(tmp, 'chunks')));
for (const f of fresh) renameSync(join(tmp, 'chunks', f), join(dist, 'chunks', f));
// chunks of earlier builds go once no process started from those builds can still load them lazily
const stale = Date.now() - 15 * 60_000;
for (const f of readdirSync(join(dist, 'chunks'))) {
  const p = join(dist, 'chunks', f);
  if (!fresh.has(f) && statSync(p).mtimeMs < stale) rmSync(p, { force: true });
}
renameSync(join(tmp, 'catalog.json'), join(dist, 'catalog.json'));
renameSync(join(tmp, 'main.js.map'), join(dist, 'main.js.map'));
renameSync(join(tmp, 'main.js'), join(dist, 'main.js'));
rmSync(tmp, { recursive: true, force: true });

// The root help, as commander prints it to a pipe (80 columns, no colour), so `kaito --help` in scripts
// and benchmarks is served by bin/kaito.js without loading the command tree (see the launcher).
const help = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(dist, 'main.js')).href)}).then((m) => process.stdout.write(m.buildProgram().helpInformation()))`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (help.status !== 0 || !help.stdout.startsWith('Usage: kaito')) throw new Error('could not render the root help');
writeFileSync(join(dist, 'help.txt.tmp'), help.stdout);
renameSync(join(dist, 'help.txt.tmp'), join(dist, 'help.txt'));
