#!/usr/bin/env node
// Prints the commands of the README's first ```sh block, one per line, without their comments:
// the "two commands" a newcomer runs. .ci/run executes exactly these, so the README cannot drift.
import { readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const block = /```sh\n([\s\S]*?)```/.exec(readme);
if (!block) {
  console.error('README.md has no ```sh block');
  process.exit(1);
}
for (const line of block[1].split('\n')) {
  const cmd = line.replace(/\s+#.*$/, '').trim();
  if (cmd) console.log(cmd);
}
