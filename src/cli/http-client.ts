/**
 * The CLI's HTTP client for a matterlog server: problem details become
 * MatterlogErrors with the server's own words, 503s are retried after
 * Retry-After, and connection failures say which URL could not be reached.
 */
import { type ErrorCode, MatterlogError } from '../ledger/errors.js';

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** How many times to retry a 503 (pushback) before giving up. */
  retries?: number;
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function request(url: string, options: RequestOptions = {}): Promise<Response> {
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: options.method ?? 'GET',
        headers: { 'Accept-Encoding': 'gzip, identity', ...options.headers },
        ...(options.body !== undefined ? { body: options.body as NonNullable<RequestInit['body']> } : {}),
      });
    } catch (cause) {
      const why = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new MatterlogError(
        'unavailable',
        `cannot reach ${url} (${why}); is the server running and the URL right?`,
        {
          cause,
        },
      );
    }
    // A 503 with Retry-After is pushback or a passing outage: wait and retry. One
    // without it (e.g. a read-only node refusing appends) will not change.
    if ((res.status === 503 || res.status === 429) && res.headers.has('Retry-After') && attempt < retries) {
      const after = Number(res.headers.get('Retry-After'));
      await res.arrayBuffer().catch(() => {});
      await sleep(Math.min(30, Number.isFinite(after) ? after : 1) * 1000);
      continue;
    }
    if (!res.ok) throw await responseError(url, res);
    return res;
  }
}

async function responseError(url: string, res: Response): Promise<MatterlogError> {
  const text = await res.text().catch(() => '');
  if ((res.headers.get('Content-Type') ?? '').startsWith('application/problem+json')) {
    try {
      const p = JSON.parse(text) as { code?: ErrorCode; detail?: string; [k: string]: unknown };
      if (p.code && p.detail) {
        const { type: _t, title: _ti, status: _s, detail, code, instance: _i, ...details } = p;
        return new MatterlogError(code, `${detail} (HTTP ${res.status} from ${url})`, { details });
      }
    } catch {
      // fall through to the generic error
    }
  }
  const code: ErrorCode =
    res.status === 429
      ? 'rate_limited'
      : res.status === 404
        ? 'not_found'
        : res.status === 401
          ? 'unauthorized'
          : res.status >= 500
            ? 'unavailable'
            : 'invalid_input';
  return new MatterlogError(code, `HTTP ${res.status} from ${url}: ${text.slice(0, 200)}`);
}

export async function getBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await request(url)).arrayBuffer());
}

export async function getText(url: string): Promise<string> {
  return (await request(url)).text();
}
