// The one request the demo sends through `kaito proxy`: exactly what any OpenAI client does, written
// with fetch so the demo needs no SDK. GET /models names the adapter; POST /chat/completions asks.
export interface ProxyAnswer {
  model: string;
  answer: string;
}

interface ModelList { data?: Array<{ id?: string; parent?: string | null }> }
interface Completion { choices?: Array<{ message?: { content?: string } }> }

export async function askThroughProxy(baseUrl: string, preferredModel: string, question: string, signal: AbortSignal): Promise<ProxyAnswer> {
  const s = AbortSignal.any([signal, AbortSignal.timeout(30_000)]);
  const listed = await fetchJSON<ModelList>(`${baseUrl}/models`, { signal: s });
  const ids = (listed.data ?? []).map((m) => m.id).filter((x): x is string => typeof x === 'string');
  // the adapter is served under its own name; fall back to whatever is served
  const model = ids.includes(preferredModel) ? preferredModel : ids[0];
  if (!model) throw new Error(`GET ${baseUrl}/models listed no model`);
  const done = await fetchJSON<Completion>(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: question }], max_tokens: 120 }),
    signal: s,
  });
  const answer = done.choices?.[0]?.message?.content ?? '';
  if (answer === '') throw new Error('the chat completion had no content');
  return { model, answer };
}

async function fetchJSON<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url}: the answer is not JSON`);
  }
}
