// The inference server behind each inference Service/pod, emulated: vLLM's OpenAI-compatible API
// (models, chat/completions and completions, SSE streaming with usage), the transformers runtime of Kaito
// <= 0.8 (POST /chat only) when emulating 0.6, /health and /metrics. Readiness and restarts come from the
// pod object the controller maintains; answers are deterministic and say they are emulated.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { viewWorkspace } from '../controller/workspace-view.js';
import { servedModelName } from '../controller/inference-manifests.js';
import { realSleep } from '../controller/sleep.js';
import type { KObject } from '../store.js';
import { readJson, sendError, sendJson } from './http.js';
import { countTokens, generate } from './text.js';

export interface InferenceOptions {
  /** requests in flight per pod beyond which the server answers 429 (Kaito's queue is full) */
  maxConcurrent?: number;
  /** real milliseconds between streamed tokens */
  tokenDelayMs?: number;
}

export interface InferenceTarget { namespace: string; pod: string }

interface Served { pod: KObject; ws: KObject; base: string; adapters: string[]; legacy: boolean; runtime: 'vllm' | 'transformers' }

type Message = { role?: string; content?: unknown };

function podReady(pod: KObject): boolean {
  const st = pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined;
  return st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join(' ');
  return '';
}

export function createInferenceEmulator(ctx: SandboxContext, opts: InferenceOptions = {}) {
  const maxConcurrent = opts.maxConcurrent ?? 8;
  const tokenDelayMs = opts.tokenDelayMs ?? 5;
  const inFlight = new Map<string, number>();
  const created = () => Math.floor(Date.now() / 1000);

  const lookup = (t: InferenceTarget): Served | undefined => {
    const pod = ctx.store.get('/pods', t.namespace, t.pod);
    const wsName = pod?.metadata.labels?.['kaito.sh/workspace'];
    const ws = wsName ? ctx.store.get('kaito.sh/workspaces', t.namespace, wsName) : undefined;
    if (!pod || !ws || !ws.inference) return undefined;
    const v = viewWorkspace(ws);
    // compat I3: the served model name per version
    return { pod, ws, base: servedModelName(v.preset, ctx.kaitoVersion), adapters: v.adapters.map((a) => a.name), runtime: v.runtime, legacy: v.runtime === 'transformers' && ctx.kaitoVersion === '0.6' };
  };

  const accessLog = (t: InferenceTarget, s: Served, method: string, path: string, status: number, req: IncomingMessage) => {
    ctx.requestLog.push({ time: Date.now(), api: 'inference', method, path, status, userAgent: req.headers['user-agent'] });
    if (path !== '/health') ctx.podLogs.append(t.namespace, t.pod, s.pod.metadata.labels?.['kaito.sh/workspace'] ?? t.pod, `INFO:     10.244.0.1:${40000 + (status % 1000)} - "${method} ${path} HTTP/1.1" ${status} ${status === 200 ? 'OK' : ''}`.trimEnd());
  };

  async function completion(t: InferenceTarget, s: Served, req: IncomingMessage, res: ServerResponse, kind: 'chat' | 'text'): Promise<number> {
    const body = await readJson(req);
    if (!body.ok) return sendError(res, 400, body.error), 400;
    const b = body.value;
    const model = typeof b.model === 'string' && b.model ? b.model : s.base;
    if (model !== s.base && !s.adapters.includes(model)) return sendError(res, 404, `The model \`${model}\` does not exist.`), 404;
    let promptText: string;
    let conversation: unknown;
    if (kind === 'chat') {
      if (!Array.isArray(b.messages) || !b.messages.length) return sendError(res, 400, "'messages' must be a non-empty list of {role, content} objects"), 400;
      conversation = (b.messages as Message[]).map((m) => ({ role: m?.role, content: contentText(m?.content) }));
      promptText = (conversation as Array<{ content: string }>).map((m) => m.content).join(' ');
    } else {
      const p = Array.isArray(b.prompt) ? b.prompt.join(' ') : b.prompt;
      if (typeof p !== 'string') return sendError(res, 400, "'prompt' must be a string"), 400;
      conversation = p;
      promptText = p;
    }
    const maxTokens = typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : typeof b.max_tokens === 'number' ? b.max_tokens : undefined;
    const gen = generate(model, conversation, maxTokens);
    const finish = gen.tokens.length < gen.naturalLength ? 'length' : 'stop';
    const usage = { prompt_tokens: countTokens(promptText), completion_tokens: gen.tokens.length, total_tokens: countTokens(promptText) + gen.tokens.length };
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(16).toString('hex')}`;
    const object = kind === 'chat' ? 'chat.completion' : 'text_completion';
    const text = gen.tokens.join('');
    if (!b.stream) {
      const choice = kind === 'chat' ? { index: 0, message: { role: 'assistant', content: text, tool_calls: [] }, logprobs: null, finish_reason: finish, stop_reason: null } : { index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null };
      sendJson(res, 200, { id, object, created: created(), model, choices: [choice], usage });
      return 200;
    }
    const includeUsage = !!(b.stream_options && typeof b.stream_options === 'object' && (b.stream_options as { include_usage?: unknown }).include_usage);
    const chunkObject = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    const ts = created();
    const stop = new AbortController();
    res.on('close', () => stop.abort());
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) => res.write(`data: ${JSON.stringify({ id, object: chunkObject, created: ts, model, choices, ...extra })}\n\n`);
    if (kind === 'chat') send([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    try {
      for (const tok of gen.tokens) {
        await realSleep(tokenDelayMs, stop.signal, ctx.signal);
        send([kind === 'chat' ? { index: 0, delta: { content: tok }, logprobs: null, finish_reason: null } : { index: 0, text: tok, logprobs: null, finish_reason: null }]);
      }
    } catch {
      res.end();
      return 499; // the client went away (or the sandbox stopped): stop generating
    }
    send([kind === 'chat' ? { index: 0, delta: {}, logprobs: null, finish_reason: finish, stop_reason: null } : { index: 0, text: '', logprobs: null, finish_reason: finish, stop_reason: null }]);
    if (includeUsage) send([], { usage });
    res.end('data: [DONE]\n\n');
    return 200;
  }

  async function legacyChat(s: Served, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const body = await readJson(req);
    if (!body.ok) return sendJson(res, 400, { detail: body.error }), 400;
    const b = body.value;
    // compat I4: v0.6 text-generation /chat takes `prompt` only (messages -> 400) and echoes the prompt
    // before the generated text unless return_full_text is false; the answer is {"Result": text}
    if (typeof b.prompt !== 'string' || !b.prompt) return sendJson(res, 400, { detail: 'Text generation parameter prompt required' }), 400;
    const prompt = b.prompt;
    const kwargs = (b.generate_kwargs ?? {}) as { max_length?: unknown; max_new_tokens?: unknown };
    const max = typeof kwargs.max_new_tokens === 'number' ? kwargs.max_new_tokens : undefined;
    const gen = generate(s.base, prompt, max);
    const answer = gen.tokens.join('');
    const full = b.return_full_text !== false;
    // the generated continuation starts with its own whitespace; full text = prompt + continuation
    sendJson(res, 200, { Result: full ? `${prompt} ${answer}` : answer });
    return 200;
  }

  function metrics(t: InferenceTarget, s: Served, res: ServerResponse): number {
    const n = inFlight.get(`${t.namespace}/${t.pod}`) ?? 0;
    const text = `# HELP vllm:num_requests_running Number of requests currently running on GPU.\n# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="${s.base}"} ${n}\n# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name="${s.base}"} 0\n`;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
    return 200;
  }

  async function route(t: InferenceTarget, s: Served, req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<number> {
    if (path === '/health' && method === 'GET') {
      if (s.runtime === 'transformers') sendJson(res, 200, { status: 'Healthy' });
      else res.writeHead(200, { 'content-length': '0' }).end();
      return 200;
    }
    if (path === '/metrics' && method === 'GET') return metrics(t, s, res);
    if (s.legacy) {
      if (path === '/chat' && method === 'POST') return legacyChat(s, req, res);
      sendJson(res, 404, { detail: 'Not Found' });
      return 404;
    }
    if (path === '/v1/models' && method === 'GET') {
      const base = { id: s.base, object: 'model', created: created(), owned_by: 'vllm', root: s.base, parent: null, max_model_len: 4096, permission: [] };
      sendJson(res, 200, { object: 'list', data: [base, ...s.adapters.map((a) => ({ id: a, object: 'model', created: created(), owned_by: 'vllm', root: `/mnt/adapter/${a}`, parent: s.base, max_model_len: null, permission: [] }))] });
      return 200;
    }
    const key = `${t.namespace}/${t.pod}`;
    const run = async (kind: 'chat' | 'text') => {
      const n = inFlight.get(key) ?? 0;
      if (n >= maxConcurrent) {
        sendError(res, 429, `The server is busy: ${n} requests in flight (limit ${maxConcurrent}). Retry with backoff.`, { 'retry-after': '1' });
        return 429;
      }
      inFlight.set(key, n + 1);
      try {
        return await completion(t, s, req, res, kind);
      } finally {
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left > 0) inFlight.set(key, left);
        else inFlight.delete(key);
      }
    };
    if (path === '/v1/chat/completions' && method === 'POST') return run('chat');
    if (path === '/v1/completions' && method === 'POST') return run('text');
    if (path === '/v1/chat/completions' || path === '/v1/completions' || path === '/v1/models') {
      sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: path === '/v1/models' ? 'GET' : 'POST' });
      return 405;
    }
    sendJson(res, 404, { detail: 'Not Found' });
    return 404;
  }

  return {
    handle(target: InferenceTarget, req: IncomingMessage, res: ServerResponse, path: string): void {
      const method = (req.method ?? 'GET').toUpperCase();
      const cleanPath = (path.split('?')[0] || '/').replace(/^(?!\/)/, '/');
      const s = lookup(target);
      if (!s || !podReady(s.pod)) {
        ctx.requestLog.push({ time: Date.now(), api: 'inference', method, path: cleanPath, status: 503, userAgent: req.headers['user-agent'] });
        req.resume();
        sendError(res, 503, s ? `pod ${target.pod} is not ready (the inference server is starting or restarting)` : `no inference server behind pod ${target.namespace}/${target.pod}`, { 'retry-after': '5' });
        return;
      }
      route(target, s, req, res, cleanPath, method)
        .then((status) => accessLog(target, s, method, cleanPath, status, req))
        .catch((e) => {
          ctx.log('inference', `${method} ${cleanPath}: ${(e as Error)?.stack ?? String(e)}`);
          if (!res.headersSent) sendError(res, 500, 'internal error in the inference emulator');
          else res.end();
        });
    },
  };
}

export type InferenceEmulator = ReturnType<typeof createInferenceEmulator>;
