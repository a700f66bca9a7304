// --endpoint URL (and the local end of a port-forward): an inference server reached directly, with undici's request()
// rather than fetch(): fewer allocations per chunk, which matters for the proxy's added latency. Its own module, loaded
// only when a command talks to an endpoint, so the service-proxy path never loads undici (issue 16).
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { proxyFor } from '../net/proxy-env.js';
import { registerSecret } from '../ui/redact.js';
import type { Transport, UpstreamRequest, UpstreamResponse } from './transport.js';

/** A keep-alive pool per transport: the proxy's clients reuse upstream connections. */
export function newAgent(connect?: Record<string, unknown>): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    connections: 128,
    // generation can pause for a long time between tokens on a busy server; no body timeout
    bodyTimeout: 0,
    headersTimeout: 600_000,
    connect: connect as never,
  });
}

export async function undiciRequest(url: string, req: UpstreamRequest, dispatcher: Dispatcher, extraHeaders: Record<string, string> = {}): Promise<UpstreamResponse> {
  const res = await request(url, {
    method: req.method as Dispatcher.HttpMethod,
    headers: { ...extraHeaders, ...req.headers },
    body: req.body,
    signal: req.signal,
    dispatcher,
  });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/** --endpoint URL: talk to an inference server directly. */
export class EndpointTransport implements Transport {
  readonly description: string;
  private readonly agent: Dispatcher;
  constructor(private readonly base: string, env: NodeJS.ProcessEnv = process.env) {
    this.description = base;
    // issue 17 item 3: HTTPS_PROXY / HTTP_PROXY / NO_PROXY for --endpoint
    const proxy = proxyFor(base, env);
    if (proxy) {
      const p = new URL(proxy);
      if (p.password) registerSecret(decodeURIComponent(p.password));
    }
    this.agent = proxy ? new ProxyAgent({ uri: proxy, keepAliveTimeout: 30_000, connections: 128, bodyTimeout: 0, headersTimeout: 600_000 }) : newAgent();
  }
  request(req: UpstreamRequest): Promise<UpstreamResponse> {
    return undiciRequest(this.base + req.path, req, this.agent);
  }
  async close(): Promise<void> {
    await this.agent.close().catch(() => {});
  }
}
