// `kaito proxy [WS]`: a local OpenAI-compatible endpoint for any OpenAI client. The base URL
// (http://HOST:PORT/v1) is the one line on stdout, so scripts can read it (`url=$(kaito proxy --port 0 &)`);
// the access log and messages go to stderr. Ctrl-C stops it with exit code 0: stopping is how a
// server is meant to end, not a failure.
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import { connect, type Via } from '../../inference/connect.js';
import { connectDeps } from '../shared/inference.js';
import { startProxy } from '../../inference/proxy-server.js';
import { redact, registerSecret } from '../../ui/redact.js';

export interface ProxyFlags {
  port: string;
  host: string;
  apiKey?: string;
  endpoint?: string;
  workspace?: string;
  via?: Via;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** --api-key FILE or - (stdin): a secret never travels as a flag value (it would show in `ps`). */
async function readApiKey(ctx: CommandContext, source: string): Promise<string> {
  let text: string;
  if (source === '-') {
    if (ctx.io.stdinIsTTY) throw new UsageError('--api-key - reads the key from stdin, but stdin is a terminal', 'pipe it: `kaito proxy --api-key - < key.txt`');
    const parts: Buffer[] = [];
    for await (const c of ctx.io.in) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
    text = Buffer.concat(parts).toString('utf8');
  } else {
    try {
      text = readFileSync(source, 'utf8');
    } catch (e) {
      throw new UsageError(`--api-key: cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass a file holding the key, or - to read it from stdin');
    }
  }
  const key = text.split(/\r?\n/)[0].trim();
  if (key.length < 8) throw new UsageError('--api-key: the key is empty or shorter than 8 characters', 'put a longer random key in the file, e.g. `openssl rand -hex 24 > key.txt`');
  registerSecret(key);
  return key;
}

export async function run(ctx: CommandContext, flags: ProxyFlags & { workspace?: string }, args: unknown[]): Promise<number> {
  const problems: string[] = [];
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) problems.push(`--port must be a number from 0 to 65535 (got "${flags.port}")`);
  const host = flags.host.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopback(host) && flags.apiKey === undefined) problems.push(`--host ${flags.host} exposes the model beyond this machine: add --api-key FILE (clients then send Authorization: Bearer <key>)`);
  if (problems.length === 1) throw new UsageError(problems[0], 'fix the flag and run again');
  if (problems.length > 1) throw new UsageError(`${problems.length} invalid flags`, 'fix them and run again', problems);
  const apiKey = flags.apiKey !== undefined ? await readApiKey(ctx, flags.apiKey) : undefined;

  const conn = await connect(connectDeps(ctx), { workspace: (args[0] as string | undefined) ?? flags.workspace, endpoint: flags.endpoint, via: flags.via });
  let proxy;
  try {
    proxy = await startProxy({
      transport: conn.transport,
      host,
      port,
      apiKey,
      accessLog: (line) => ctx.io.info(line),
      debugLog: ctx.globals.debug ? (line) => ctx.debug(line) : undefined,
    });
  } catch (e) {
    await conn.transport.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use`, 'pick another with --port N, or --port 0 for a free one');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot bind ${host}: not an address of this machine`, 'use --host 127.0.0.1 (default) or an address of a local interface');
    throw e;
  }
  const target = conn.workspace ? `workspace ${conn.workspace.namespace}/${conn.workspace.name} (${conn.transport.description})` : conn.transport.description;
  ctx.io.print(proxy.url + '\n');
  ctx.io.info(`forwarding ${proxy.url} -> ${redact(target)}${apiKey ? ', API key required' : ''}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await proxy.close();
  await conn.transport.close();
  ctx.io.info('proxy stopped');
  return 0;
}
