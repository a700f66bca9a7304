// Every secret the process learns (registry passwords, HF tokens, bearer tokens, client keys) is registered
// here, and everything that leaves through --debug traces or error messages passes through redact().
const secrets = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  const v = value.trim();
  if (v.length >= 4) secrets.add(v);
  // base64 forms travel inside Secret objects and Authorization: Basic headers
  if (v.length >= 4) secrets.add(Buffer.from(v).toString('base64'));
}

// a value after "key: " (colon and space, no quote) that is a plain lower-case word is prose ("could not get a token: the connection
// was refused"), not a secret; registered secrets are replaced above whatever they look like
const keepWord = (prefix: string, value: string) => (/:\s+$/.test(prefix) && /^[a-z]{1,15}$/.test(value) ? prefix + value : prefix + '[REDACTED]');

const PATTERNS: Array<[RegExp, string | ((m: string, prefix: string, value: string) => string)]> = [
  [/(authorization\s*[:=]\s*"?(?:bearer|basic)\s+)[^\s",]+/gi, '$1[REDACTED]'],
  // a bare "token" must be a key of its own: "secret/x-hf-token: terminated" names an object, it holds no secret
  [/("?(?:access_?token|accessToken|refresh_?token|client_?secret|password|(?<![\w-])token|HF_TOKEN|\.dockerconfigjson|api[_-]?key)"?\s*[:=]\s*"?)([^\s",}]+)/gi, (_m, prefix: string, value: string) => keepWord(prefix, value)],
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, '$1[REDACTED]$2'],
];

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  for (const [re, rep] of PATTERNS) out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep as (...a: string[]) => string);
  return out;
}
