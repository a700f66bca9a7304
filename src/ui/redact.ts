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

const PATTERNS: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*"?(?:bearer|basic)\s+)[^\s",]+/gi, '$1[REDACTED]'],
  // a bare "token" must be a key of its own: "secret/x-hf-token: terminated" names an object, it holds no secret
  [/("?(?:access_?token|accessToken|refresh_?token|client_?secret|password|(?<![\w-])token|HF_TOKEN|\.dockerconfigjson|api[_-]?key)"?\s*[:=]\s*"?)[^\s",}]+/gi, '$1[REDACTED]'],
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, '$1[REDACTED]$2'],
];

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}
