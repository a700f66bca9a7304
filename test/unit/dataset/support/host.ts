// The sandbox's dataset handler behind a plain local HTTPS server (until the sandbox server routes to it).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createDatasetHost } from '../../../../src/sandbox/datasets.js';
import type { RequestLogEntry, SandboxContext } from '../../../../src/sandbox/context.js';
import { makeTls, type TestTls } from './tls.js';

export const DATASET_HOST = 'datasets.kaito-sandbox.test';

export interface TestHost {
  port: number;
  /** https://datasets.kaito-sandbox.test:PORT */
  base: string;
  tls: TestTls;
  requestLog: RequestLogEntry[];
  /** KAITO_RESOLVE value pinning the host name to 127.0.0.1 */
  resolve: string;
  close(): Promise<void>;
}

export async function startDatasetHost(dir?: string): Promise<TestHost> {
  const tls = await makeTls(DATASET_HOST);
  const ac = new AbortController();
  const requestLog: RequestLogEntry[] = [];
  const ctx = { requestLog, signal: ac.signal, datasetHost: DATASET_HOST, log: () => undefined } as unknown as SandboxContext;
  const host = createDatasetHost(ctx, dir);
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => host.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `https://${DATASET_HOST}:${port}`,
    tls,
    requestLog,
    resolve: `${DATASET_HOST}=127.0.0.1`,
    async close() {
      ac.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
