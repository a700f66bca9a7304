// Talks to one inference server through a Transport: lists models, sends chat completions (streamed or
// not) and falls back to the legacy `POST /chat` API of Kaito <= 0.8's Transformers runtime. 429 and
// 503 are retried as retry.ts says; any other failure becomes one clear OperationError/AuthError line.
import { AuthError, InterruptedError, isKaitoError, OperationError } from '../errors.js';
import { CHAT_RETRY, isRetryableStatus, nextRetryDelay, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { readChatStream } from './sse.js';
import { discard, headerValue, readText, type Transport, type UpstreamRequest, type UpstreamResponse } from './transport.js';
import type { ChatMessage, ChatResult, ModelInfo, SamplingParams, Usage } from './types.js';

export type ApiFlavour = 'openai' | 'legacy';

/** attempts when the server cannot be reached at all */
const CONNECT_ATTEMPTS = 4;

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  params?: SamplingParams;
  stream?: boolean;
  signal?: AbortSignal;
  /** called with every piece of content as soon as it arrives */
  onToken?: (text: string) => void;
}

export interface ChatClientOptions {
  retry?: RetryPolicy;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** told about every retry (the CLI shows it on stderr with --debug) */
  onRetry?: (info: { status: number | string; attempt: number; delayMs: number }) => void;
}

/** Network failures that happen before any byte of an answer: safe to try again. */
export function isConnectionError(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export class ChatClient {
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  flavour: ApiFlavour = 'openai';

  constructor(readonly transport: Transport, private readonly opts: ChatClientOptions = {}) {
    this.retry = opts.retry ?? CHAT_RETRY;
    this.now = opts.now ?? (() => performance.now());
    this.random = opts.random ?? Math.random;
    this.sleep = opts.sleep ?? sleep;
  }

  /** GET /v1/models; 404 means the legacy API (and switches this client to it). */
  async listModels(signal?: AbortSignal): Promise<ModelInfo[] | 'legacy'> {
    let res: UpstreamResponse;
    let text: string;
    // a GET whose answer breaks off mid-body is simply asked again (bounded)
    for (let attempt = 1; ; attempt++) {
      res = await this.send({ method: 'GET', path: '/v1/models', headers: { accept: 'application/json' }, signal });
      try {
        text = await readText(res.body);
        break;
      } catch (e) {
        if (signal?.aborted) throw new InterruptedError();
        if (attempt < 3) continue;
        throw new OperationError(`list models through ${this.transport.description}: the answer broke off (${(e as Error).message})`, 'try again; `kaito status` shows whether the inference pod restarted');
      }
    }
    if (res.status === 404 || res.status === 405) {
      if (isKubeStatus(text)) throw new OperationError(`cannot reach the inference service through ${this.transport.description}: ${kubeMessage(text)}`, 'check that the workspace and its Service exist: `kaito status`');
      this.flavour = 'legacy';
      return 'legacy';
    }
    if (res.status >= 400) throw httpError(res.status, text, 'list models', this.transport.description);
    try {
      const doc = JSON.parse(text) as { data?: ModelInfo[] };
      return Array.isArray(doc.data) ? doc.data.filter((m) => m && typeof m.id === 'string') : [];
    } catch {
      throw new OperationError(`GET /v1/models answered something that is not JSON: ${text.slice(0, 120)}`);
    }
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    return this.flavour === 'legacy' ? this.chatLegacy(req) : this.chatOpenAI(req);
  }

  private async chatOpenAI(req: ChatRequest): Promise<ChatResult> {
    const stream = req.stream ?? true;
    const body: Record<string, unknown> = { model: req.model, messages: req.messages, stream, ...definedOnly(req.params ?? {}) };
    if (stream) body.stream_options = { include_usage: true };
    const t0 = this.now();
    const res = await this.send({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' },
      body: JSON.stringify(body),
      signal: req.signal,
    });
    if (res.status >= 400) throw httpError(res.status, await readText(res.body), 'chat', this.transport.description);
    const result: ChatResult = { model: req.model, content: '', finish_reason: null, usage: null, ttft_ms: null, latency_ms: 0 };
    const isSSE = (headerValue(res.headers, 'content-type') ?? '').includes('text/event-stream');
    if (stream && isSSE) {
      const parts: string[] = [];
      let complete: boolean;
      try {
        complete = await readChatStream(res.body, (d) => {
          if (d.model) result.model = d.model;
          if (d.usage) result.usage = d.usage;
          if (d.finish_reason) result.finish_reason = d.finish_reason;
          if (d.content) {
            if (result.ttft_ms === null) result.ttft_ms = Math.round(this.now() - t0);
            parts.push(d.content);
            req.onToken?.(d.content);
          }
        });
      } catch (e) {
        if (req.signal?.aborted) throw new InterruptedError();
        if (isKaitoError(e)) throw e;
        throw new OperationError(`the answer stream broke: ${(e as Error).message}`, 'try again; `kaito status` shows whether the inference pod restarted');
      }
      result.content = parts.join('');
      if (!complete && result.finish_reason === null) {
        throw new OperationError('the answer stream ended before the answer was complete', 'try again; `kaito status` shows whether the inference pod restarted');
      }
    } else {
      let text: string;
      try {
        text = await readText(res.body);
      } catch (e) {
        if (req.signal?.aborted) throw new InterruptedError();
        throw new OperationError(`the answer broke off: ${(e as Error).message}`, 'try again; `kaito status` shows whether the inference pod restarted');
      }
      let doc: { model?: string; usage?: Usage; choices?: Array<{ message?: { content?: string | null }; text?: string; finish_reason?: string | null }> };
      try {
        doc = JSON.parse(text);
      } catch {
        throw new OperationError(`the inference server answered something that is not JSON: ${text.slice(0, 120)}`);
      }
      const choice = doc.choices?.[0];
      result.content = choice?.message?.content ?? choice?.text ?? '';
      result.finish_reason = choice?.finish_reason ?? null;
      result.usage = doc.usage ?? null;
      if (doc.model) result.model = doc.model;
      if (result.content) {
        result.ttft_ms = Math.round(this.now() - t0);
        req.onToken?.(result.content);
      }
    }
    result.latency_ms = Math.round(this.now() - t0);
    return result;
  }

  /**
   * Kaito <= 0.8 Transformers (compat I4): POST /chat {prompt, return_full_text, generate_kwargs} -> {"Result": "..."}.
   * Every v0.6 preset runs the text-generation pipeline, which refuses `messages` (400): the conversation is
   * flattened into `prompt`, and return_full_text=false keeps the server from echoing it back.
   */
  private async chatLegacy(req: ChatRequest): Promise<ChatResult> {
    const p = req.params ?? {};
    const generate_kwargs = definedOnly({ temperature: p.temperature, top_p: p.top_p, max_new_tokens: p.max_tokens });
    const t0 = this.now();
    const payload = { prompt: promptFromMessages(req.messages), return_full_text: false, generate_kwargs };
    const res = await this.send({ method: 'POST', path: '/chat', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(payload), signal: req.signal });
    const text = await readText(res.body);
    if (res.status >= 400) throw httpError(res.status, text, 'chat', this.transport.description);
    let doc: { Result?: unknown };
    try {
      doc = JSON.parse(text);
    } catch {
      throw new OperationError(`POST /chat answered something that is not JSON: ${text.slice(0, 120)}`);
    }
    const content = typeof doc.Result === 'string' ? doc.Result : doc.Result === undefined ? '' : JSON.stringify(doc.Result);
    const latency = Math.round(this.now() - t0);
    if (content) req.onToken?.(content);
    // the legacy API reports neither a finish reason nor usage: null says "unknown"
    return { model: req.model, content, finish_reason: null, usage: null, ttft_ms: content ? latency : null, latency_ms: latency };
  }

  /** One request with the retry policy: 429/503 and connection failures are retried, bounded. */
  private async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const started = this.now();
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw new InterruptedError();
      let res: UpstreamResponse | undefined;
      let failure: unknown;
      try {
        res = await this.transport.request(req);
      } catch (e) {
        if (req.signal?.aborted) throw new InterruptedError();
        if (!isConnectionError(e)) throw new OperationError(`cannot reach the inference server (${this.transport.description}): ${(e as Error).message}`, undefined, { cause: e });
        failure = e;
      }
      if (res && !isRetryableStatus(res.status)) {
        // a 5xx that the Kubernetes API server (not the model) answered: the request never reached the
        // inference server, so asking again is safe; any other answer goes back to the caller as it came
        if (res.status < 500 || !(headerValue(res.headers, 'content-type') ?? '').includes('json')) return res;
        const text = await readText(res.body, 1024 * 1024).catch(() => '');
        if (!isKubeStatus(text)) return { ...res, body: bodyOf(text) };
        const delay = nextRetryDelay(attempt, undefined, this.now() - started, { ...this.retry, maxAttempts: Math.min(this.retry.maxAttempts, CONNECT_ATTEMPTS) }, this.random);
        if (delay === undefined) return { ...res, body: bodyOf(text) };
        this.opts.onRetry?.({ status: res.status, attempt: attempt + 1, delayMs: delay });
        try {
          await this.sleep(delay, req.signal);
        } catch {
          throw new InterruptedError();
        }
        continue;
      }
      const retryAfter = res ? parseRetryAfter(headerValue(res.headers, 'retry-after')) : undefined;
      // a refused connection rarely heals within seconds (unlike a full queue): fewer attempts
      const policy = res ? this.retry : { ...this.retry, maxAttempts: Math.min(this.retry.maxAttempts, CONNECT_ATTEMPTS) };
      const delay = nextRetryDelay(attempt, retryAfter, this.now() - started, policy, this.random);
      if (delay === undefined) {
        if (res) return res; // the caller turns the last 429/503 into an error
        throw new OperationError(`cannot reach the inference server (${this.transport.description}): ${(failure as Error).message}`, 'check the workspace is ready: `kaito status`', { cause: failure });
      }
      if (res) await drain(res);
      this.opts.onRetry?.({ status: res?.status ?? codeOf(failure), attempt: attempt + 1, delayMs: delay });
      try {
        await this.sleep(delay, req.signal);
      } catch {
        throw new InterruptedError();
      }
    }
  }
}

async function drain(res: UpstreamResponse): Promise<void> {
  try {
    await readText(res.body, 1024 * 1024);
  } catch {
    discard(res.body);
  }
}

function codeOf(e: unknown): string {
  return String((e as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (e as { code?: unknown })?.code ?? 'network error');
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function promptFromMessages(messages: ChatMessage[]): string {
  if (messages.length === 1) return messages[0].content;
  return messages.map((m) => `${m.role}: ${m.content}`).join('\n') + '\nassistant:';
}

/** A body already read, served again. */
function bodyOf(text: string): UpstreamResponse['body'] {
  const chunks = [Buffer.from(text)];
  return Object.assign((async function* () {
    yield* chunks;
  })(), { destroy: () => undefined });
}

export function isKubeStatus(text: string): boolean {
  try {
    return (JSON.parse(text) as { kind?: string }).kind === 'Status';
  } catch {
    return false;
  }
}

function kubeMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** The server's own error message, from OpenAI `{error:{message}}`, FastAPI `{detail}` or a kube Status. */
export function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: string } | string; detail?: unknown; message?: string };
    if (typeof j.error === 'string') return j.error;
    if (j.error?.message) return j.error.message;
    if (typeof j.detail === 'string') return j.detail;
    if (j.detail !== undefined) return JSON.stringify(j.detail).slice(0, 200);
    if (j.message) return j.message;
  } catch {
    /* not JSON */
  }
  return text.trim().split('\n')[0].slice(0, 200) || '(empty body)';
}

function httpError(status: number, text: string, what: string, via: string) {
  const msg = serverMessage(text);
  if (status === 401 || status === 403) return new AuthError(`${what}: HTTP ${status} from ${via}: ${msg}`, 'check your kube credentials (or the endpoint\'s key) and RBAC for services/proxy');
  if (status === 429) return new OperationError(`${what}: the inference server is still busy (HTTP 429) after retrying: ${msg}`, 'try again later, or lower the number of concurrent requests');
  if (status === 503) return new OperationError(`${what}: the inference server is unavailable (HTTP 503) after retrying: ${msg}`, 'check the workspace with `kaito status`');
  return new OperationError(`${what}: the inference server answered HTTP ${status}: ${msg}`);
}
