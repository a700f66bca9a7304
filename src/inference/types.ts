// Shapes shared by the chat client, the REPL and the proxy: OpenAI chat messages, sampling parameters
// and the one-shot result printed by `kaito chat -o json`.

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** Sampling parameters the user can set (flags and the REPL's /set). */
export interface SamplingParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** The document `kaito chat -o json` prints (README "kaito chat"). */
export interface ChatResult {
  model: string;
  content: string;
  finish_reason: string | null;
  usage: Usage | null;
  /** ms from sending the request to the first content token (null when no token came) */
  ttft_ms: number | null;
  latency_ms: number;
}

/** One entry of GET /v1/models. vLLM marks a LoRA adapter with `parent` (its base model). */
export interface ModelInfo {
  id: string;
  parent?: string | null;
  root?: string | null;
  owned_by?: string;
}
