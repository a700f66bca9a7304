// What the emulated runtimes need to know about a preset to write believable logs: the Hugging Face
// repository the weights come from and their size. Unknown presets (including any `org/model` id) get
// a size guessed from the parameter count in the name.
export interface PresetFacts { hfId: string; weightsGiB: number; params: number }

const KNOWN: Record<string, PresetFacts> = {
  'phi-3-mini-4k-instruct': { hfId: 'microsoft/Phi-3-mini-4k-instruct', weightsGiB: 7.1, params: 3.82e9 },
  'phi-3-mini-128k-instruct': { hfId: 'microsoft/Phi-3-mini-128k-instruct', weightsGiB: 7.1, params: 3.82e9 },
  'phi-3-medium-4k-instruct': { hfId: 'microsoft/Phi-3-medium-4k-instruct', weightsGiB: 26, params: 14e9 },
  'phi-3-medium-128k-instruct': { hfId: 'microsoft/Phi-3-medium-128k-instruct', weightsGiB: 26, params: 14e9 },
  'phi-3.5-mini-instruct': { hfId: 'microsoft/Phi-3.5-mini-instruct', weightsGiB: 7.1, params: 3.82e9 },
  'phi-4': { hfId: 'microsoft/phi-4', weightsGiB: 27.3, params: 14.7e9 },
  'phi-4-mini-instruct': { hfId: 'microsoft/Phi-4-mini-instruct', weightsGiB: 7.2, params: 3.84e9 },
  'qwen2.5-coder-7b-instruct': { hfId: 'Qwen/Qwen2.5-Coder-7B-Instruct', weightsGiB: 14.2, params: 7.6e9 },
  'qwen2.5-coder-32b-instruct': { hfId: 'Qwen/Qwen2.5-Coder-32B-Instruct', weightsGiB: 61, params: 32.8e9 },
  'mistral-7b': { hfId: 'mistralai/Mistral-7B-v0.3', weightsGiB: 13.5, params: 7.2e9 },
  'mistral-7b-instruct': { hfId: 'mistralai/Mistral-7B-Instruct-v0.3', weightsGiB: 13.5, params: 7.2e9 },
  'llama-3.1-8b-instruct': { hfId: 'meta-llama/Llama-3.1-8B-Instruct', weightsGiB: 15, params: 8e9 },
  'llama-3.3-70b-instruct': { hfId: 'meta-llama/Llama-3.3-70B-Instruct', weightsGiB: 132, params: 70.6e9 },
  'deepseek-r1-distill-llama-8b': { hfId: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', weightsGiB: 15, params: 8e9 },
  'deepseek-r1-distill-qwen-14b': { hfId: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B', weightsGiB: 27.5, params: 14.8e9 },
  'gemma-3-4b-instruct': { hfId: 'google/gemma-3-4b-it', weightsGiB: 8.6, params: 4.3e9 },
  'gemma-3-27b-instruct': { hfId: 'google/gemma-3-27b-it', weightsGiB: 54.8, params: 27.4e9 },
  'gpt-oss-20b': { hfId: 'openai/gpt-oss-20b', weightsGiB: 13, params: 21e9 },
  'gpt-oss-120b': { hfId: 'openai/gpt-oss-120b', weightsGiB: 65, params: 117e9 },
};

export function presetFacts(name: string): PresetFacts {
  const known = KNOWN[name];
  if (known) return known;
  const m = /(\d+(?:\.\d+)?)b\b/i.exec(name);
  const billions = m ? Number(m[1]) : 7;
  return { hfId: name.includes('/') ? name : name, weightsGiB: Math.round(billions * 2 * 10) / 10, params: billions * 1e9 };
}
