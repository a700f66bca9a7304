// How an inference request reaches the workspace's server. Three transports share one interface:
// a direct base URL (--endpoint, or the local end of a port-forward), and the API server's service
// proxy. Every one returns the upstream body as a stream so tokens and proxied chunks pass through as
// they arrive. The direct transport (endpoint.ts) sends with undici; this module holds what every transport shares and
// loads no HTTP client, so a command going through the service proxy (node:https, kube/client.ts) never loads undici.

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export interface UpstreamRequest {
  method: string;
  /** path on the inference server, starting with '/' (query string included) */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  /** the response body; consume it or call destroy() */
  body: AsyncIterable<Uint8Array> & { destroy(err?: Error): unknown };
}

export interface Transport {
  /** for messages: "service proxy to default/phi-4", "http://127.0.0.1:8000" */
  readonly description: string;
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** The base URL a user gives to --endpoint, without a trailing slash or /v1 (paths carry /v1 themselves). */
export function normalizeEndpoint(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${raw}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`not an http(s) URL: ${raw}`);
  return u.toString().replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** Reads a whole (small) body as text. */
export async function readText(body: AsyncIterable<Uint8Array>, limit = 8 * 1024 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > limit) throw new Error(`response larger than ${limit} bytes`);
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts).toString('utf8');
}

export function headerValue(h: UpstreamHeaders, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Throws a body away. An undici body destroyed without a listener emits an unhandled 'error'. */
export function discard(body: UpstreamResponse['body']): void {
  const b = body as unknown as { on?: (ev: string, fn: () => void) => void };
  b.on?.('error', () => {});
  body.destroy();
}
