import { notImplemented } from '../shared/not-implemented.js';

export async function run(): Promise<void> {
  notImplemented('`kaito nodepool delete`');
}
