// Token estimate without shipping a tokenizer. Byte-pair tokenizers of the tunable presets (Phi-3/3.5/4
// and Qwen2.5, vocabularies of 32k-152k) average about four characters per token on English prose, YAML
// and shell, which is what these datasets hold. Characters outside ASCII (CJK, emoji, accents) mostly cost a
// whole token or more each, so they count one token apiece: the estimate then errs on the long side for
// non-English text, which is the safe direction for a context-length check. A chat template adds a few
// tokens of role markers per message.
export const TOKEN_ESTIMATOR = 'ceil(ascii chars / 4) + 1 per non-ASCII char, + 4 per chat message for role markers';

export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_PROMPT_COMPLETION = 2;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

export function estimateTokens(text: string): number {
  // the common all-ASCII case is one native regex test
  if (!NON_ASCII.test(text)) return Math.ceil(text.length / 4);
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) ascii++;
    // a surrogate pair is one character
    else if (c < 0xdc00 || c > 0xdfff) other++;
  }
  return Math.ceil(ascii / 4) + other;
}
