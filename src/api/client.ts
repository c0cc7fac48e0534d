import { OzError } from '../errors.ts';
import type { ApiErrorBody, Folder } from './types.ts';

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  /** First back-off; each later one doubles, capped by maxDelayMs, then full jitter is applied. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 400, maxDelayMs: 5000 };

export interface ApiClientOptions {
  apiUrl: string;
  retry?: Partial<RetryPolicy>;
  /** Per-request time limit (ms); a request that takes longer is aborted and counts as a network failure. */
  timeoutMs?: number;
  /** Cancels every request and back-off of this client. */
  signal?: AbortSignal;
}

export interface UploadProgress {
  loaded: number;
  total: number;
  attempt: number;
}

/** One HTTP answer, or a failure before any answer came (status 0). */
interface Answer {
  status: number;
  body: unknown;
  retryAfterMs?: number;
}

const retryable = (a: Answer) => a.status === 0 || a.status === 429 || a.status >= 500;

/**
 * The element's side of the Oz-style API: session tokens, folder uploads (container or multipart) and polling.
 * Network failures, 429 and 5xx are retried with exponential back-off and full jitter; other 4xx are final.
 */
export class OzApiClient {
  readonly #base: string;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #signal?: AbortSignal;

  constructor(options: ApiClientOptions) {
    this.#base = options.apiUrl.replace(/\/+$/, '');
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#signal = options.signal;
  }

  /** A fresh session token from `GET /api/authorize/session_token`. */
  async getSessionToken(): Promise<string> {
    const body = await this.#call('GET', '/api/authorize/session_token', { failCode: 'network_error' });
    const token = (body as { session_token?: unknown } | null)?.session_token;
    if (typeof token !== 'string' || !token) {
      throw new OzError('api_error', 'The API answered without a session token.', { body });
    }
    return token;
  }

  /**
   * Creates a folder from a sealed container or a classic multipart form. `instant` targets the non-persistent
   * API (`/api/instant/folders/`). Progress is reported per attempt.
   */
  async createFolder(
    body: Blob | FormData,
    options: { instant: boolean; sessionToken: string; onProgress?: (p: UploadProgress) => void },
  ): Promise<Folder> {
    const path = options.instant ? '/api/instant/folders/' : '/api/folders/';
    const headers: Record<string, string> = { 'X-Session-Token': options.sessionToken };
    if (body instanceof Blob) headers['Content-Type'] = 'application/octet-stream';
    const folder = await this.#call('POST', path, { body, headers, onProgress: options.onProgress, failCode: 'upload_failed' });
    return folder as Folder;
  }

  /** Reads a folder with its analyses; the session token that created it authorises the read. */
  async getFolder(folderId: string, sessionToken: string): Promise<Folder> {
    const path = `/api/folders/${encodeURIComponent(folderId)}/?with_analyses=true`;
    return (await this.#call('GET', path, { headers: { 'X-Session-Token': sessionToken }, failCode: 'network_error' })) as Folder;
  }

  async #call(
    method: string,
    path: string,
    init: {
      body?: Blob | FormData;
      headers?: Record<string, string>;
      onProgress?: (p: UploadProgress) => void;
      failCode: 'network_error' | 'upload_failed';
    },
  ): Promise<unknown> {
    const url = this.#base + path;
    let answer: Answer = { status: 0, body: null };
    for (let attempt = 0; attempt <= this.#retry.retries; attempt++) {
      if (attempt > 0) await this.#backoff(attempt, answer.retryAfterMs);
      answer = await this.#send(method, url, init.body, init.headers ?? {}, (loaded, total) =>
        init.onProgress?.({ loaded, total, attempt }),
      );
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      if (!retryable(answer)) break;
    }
    const attempts = this.#retry.retries + 1;
    if (answer.status === 0 || retryable(answer)) {
      throw new OzError(init.failCode, `${method} ${path} failed after ${attempts} attempts.`, {
        url,
        status: answer.status,
        attempts,
        body: answer.body,
      });
    }
    const err = answer.body as Partial<ApiErrorBody> | null;
    throw new OzError('api_error', err?.error_message ?? `${method} ${path} answered ${answer.status}.`, {
      url,
      status: answer.status,
      error_code: err?.error_code,
      error_message: err?.error_message,
      details: err?.details,
    });
  }

  /** XMLHttpRequest rather than fetch: fetch cannot report upload progress. Never rejects except on abort. */
  #send(
    method: string,
    url: string,
    body: Blob | FormData | undefined,
    headers: Record<string, string>,
    onProgress: (loaded: number, total: number) => void,
  ): Promise<Answer> {
    this.#signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.timeout = this.#timeoutMs;
      xhr.responseType = 'text';
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      const abort = () => xhr.abort();
      this.#signal?.addEventListener('abort', abort, { once: true });
      const settle = (answer: Answer | null) => {
        this.#signal?.removeEventListener('abort', abort);
        if (answer) resolve(answer);
        else reject(new OzError('user_cancelled', 'The request was cancelled.'));
      };
      if (body) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body instanceof Blob ? body.size : 0);
      xhr.onload = () => {
        let parsed: unknown = xhr.responseText;
        try {
          parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          // A non-JSON answer (a proxy's HTML error page) is kept as text in the error details.
        }
        const retryAfter = Number(xhr.getResponseHeader('Retry-After'));
        settle({ status: xhr.status, body: parsed, retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined });
      };
      xhr.onerror = () => settle({ status: 0, body: 'network error' });
      xhr.ontimeout = () => settle({ status: 0, body: 'timeout' });
      xhr.onabort = () => settle(null);
      xhr.send(body ?? null);
    });
  }

  #backoff(attempt: number, retryAfterMs?: number): Promise<void> {
    const { baseDelayMs, maxDelayMs } = this.#retry;
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, maxDelayMs) : Math.random() * ceiling;
    return new Promise((resolve, reject) => {
      const signal = this.#signal;
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new OzError('user_cancelled', 'The request was cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
