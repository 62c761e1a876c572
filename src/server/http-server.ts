/**
 * Puts the app on a socket, and takes it off cleanly: stop accepting
 * connections, let in-flight requests finish, then stop the log (which
 * sequences everything already accepted) and close the store.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { LogService } from '../app/log-service.js';
import { type AppOptions, createApp } from './app.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  log: LogService,
  listen: { host: string; port: number },
  options: AppOptions = {},
): Promise<RunningServer> {
  const app = createApp(log, options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${addr.port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        });
        await log.close();
      })();
      return closing;
    },
  };
}
