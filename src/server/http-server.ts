/**
 * Puts the app on a socket, and takes it off cleanly: stop accepting
 * connections, let in-flight requests finish, then stop the log (which
 * sequences everything already accepted) and close the store.
 *
 * Keep-alive clients would otherwise hold the server open for ever: once
 * closing starts, every response carries `Connection: close` (so each
 * connection ends after its current request), idle connections are closed at
 * once, and whatever is still open after the grace period is cut.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { LogService } from '../app/log-service.js';
import { MatterlogError } from '../ledger/errors.js';
import { type AppOptions, createApp } from './app.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight requests may take once closing starts (default 10 s). */
  shutdownGraceMs?: number;
}

export async function startServer(
  log: LogService,
  listen: ListenOptions,
  options: AppOptions = {},
): Promise<RunningServer> {
  const app = createApp(log, options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () => resolve(s));
    s.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${listen.host}:${listen.port}`;
      if (e.code === 'EADDRINUSE')
        reject(
          new MatterlogError(
            'config',
            `${where} is already in use: choose another --port (or stop what listens there)`,
            { cause: e },
          ),
        );
      else if (e.code === 'EACCES')
        reject(new MatterlogError('config', `not allowed to listen on ${where}: use a port above 1023`, { cause: e }));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND')
        reject(
          new MatterlogError('config', `cannot listen on ${where}: no such local address (check --host)`, { cause: e }),
        );
      else reject(e);
    });
  });
  let closingStarted = false;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closingStarted && !res.headersSent) res.setHeader('Connection', 'close');
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${addr.port}`,
    close() {
      closing ??= (async () => {
        closingStarted = true;
        await new Promise<void>((resolve) => {
          const grace = setTimeout(() => {
            if ('closeAllConnections' in server) server.closeAllConnections();
          }, listen.shutdownGraceMs ?? 10_000);
          const idle = setInterval(() => {
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }, 50);
          server.close(() => {
            clearTimeout(grace);
            clearInterval(idle);
            resolve();
          });
        });
        await log.close();
      })();
      return closing;
    },
  };
}
