// One chat conversation: the model, the system prompt, the sampling parameters and the history that
// is sent with every turn. Shared by the one-shot path and the REPL.
import type { ChatClient } from './client.js';
import type { ChatMessage, ChatResult, ModelInfo, SamplingParams } from './types.js';

export class ChatSession {
  history: ChatMessage[] = [];

  constructor(
    readonly client: ChatClient,
    public model: string,
    public system: string | undefined,
    public params: SamplingParams,
    readonly stream: boolean,
    /** what GET /v1/models listed (empty on the legacy API) */
    readonly models: ModelInfo[] = [],
  ) {}

  messages(next?: ChatMessage): ChatMessage[] {
    const out: ChatMessage[] = [];
    if (this.system) out.push({ role: 'system', content: this.system });
    out.push(...this.history);
    if (next) out.push(next);
    return out;
  }

  /** Sends one user turn; the turn enters the history only when an answer came. */
  async ask(text: string, onToken: (t: string) => void, signal?: AbortSignal): Promise<ChatResult> {
    const user: ChatMessage = { role: 'user', content: text };
    const result = await this.client.chat({ model: this.model, messages: this.messages(user), params: this.params, stream: this.stream, signal, onToken });
    if (result.content !== '') this.history.push(user, { role: 'assistant', content: result.content });
    return result;
  }

  /** What /save writes. */
  toJSON() {
    return { model: this.model, system: this.system ?? null, params: this.params, messages: this.messages() };
  }
}
