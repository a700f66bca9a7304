// Secrets the CLI creates from stdin. The value is registered for redaction the moment it is read.
import { UsageError } from '../errors.js';
import { registerSecret } from '../ui/redact.js';
import type { KubeObject } from './client.js';

/** Reads stdin to the end (a password piped in); refuses a TTY so nothing hangs. */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, flag: string): Promise<string> {
  if (stdin.isTTY) throw new UsageError(`${flag} reads the secret from stdin, but stdin is a terminal`, `pipe it in, e.g. \`echo "$PASSWORD" | kaito ... ${flag}\``);
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`${flag}: stdin was empty`, `pipe the secret in, e.g. \`echo "$PASSWORD" | kaito ... ${flag}\``);
  registerSecret(value);
  return value;
}

/** The registry host of an image reference, as docker config keys it. */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'https://index.docker.io/v1/';
}

export function dockerConfigSecret(name: string, namespace: string | undefined, image: string, username: string, password: string): KubeObject {
  registerSecret(password);
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  registerSecret(auth);
  const config = JSON.stringify({ auths: { [registryOf(image)]: { username, password, auth } } });
  const data = Buffer.from(config).toString('base64');
  registerSecret(data);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/managed-by': 'kaito-cli' } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': data },
  };
}
