// An example of the host's own backend for the `capture` architecture, kept apart from the emulated Oz API.
// The page hands its capture to this backend; the backend, which alone holds the API credentials, logs in to the
// API over HTTP and uploads it with X-Forensic-Access-Token, as the vendor describes. It talks to the API only
// over HTTP, exactly as it would talk to the vendor's cloud.
//
// It acts with an account's rights for whoever calls it, so it is off unless configured (`backendExample.enabled`),
// serves only its configured page origins (a browser-side rule, like CORS: it stops other sites' pages, not a
// script that forges headers), and forwards at most `backendExample.bodyLimitBytes` per request.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageOrigin } from './auth.ts';
import type { EmulatorConfig } from './config.ts';
import { ApiCode, ApiError } from './errors.ts';

interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Registers POST /forward and GET /session-token (under the /backend prefix). */
export async function backendExample(app: FastifyInstance, options: { config: EmulatorConfig }): Promise<void> {
  const { config } = options;
  const email = config.backendExample.email || config.accounts[0]!.email;
  const password = config.backendExample.password || config.accounts[0]!.password;
  let cached: { token: string; expiresAt: number } | null = null;
  const limit = config.backendExample.bodyLimitBytes;
  const tooLarge = () => new ApiError(413, ApiCode.invalidValue, `request too large: more than ${limit} bytes`, { reason: 'body_too_large' });

  app.addHook('onRequest', async (request) => {
    if (!pageOrigin(request, config.backendExample.origins)) {
      throw new ApiError(403, ApiCode.authForbidden, 'the example backend serves only its own pages', { origin: request.headers.origin ?? null });
    }
  });

  const apiUrl = (): string => {
    if (config.backendExample.apiUrl) return config.backendExample.apiUrl.replace(/\/+$/, '');
    const address = app.server.address() as AddressInfo | null;
    if (!address) throw new ApiError(503, ApiCode.externalService, 'the example backend has no API address: the server is not listening', null);
    const host = address.family === 'IPv6' ? (address.address === '::' ? '[::1]' : `[${address.address}]`) : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
    return `http://${host}:${address.port}`;
  };

  const call = async (path: string, init: RequestInit): Promise<ApiAnswer> => {
    let response: Response;
    try {
      response = await fetch(apiUrl() + path, init);
    } catch (error) {
      throw new ApiError(502, ApiCode.externalService, `the API could not be reached: ${(error as Error).message}`, null);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // A non-JSON answer is relayed as text.
    }
    return { status: response.status, body };
  };

  const accessToken = async (renew: boolean): Promise<string> => {
    if (!renew && cached && cached.expiresAt > Date.now() + 30_000) return cached.token;
    const answer = await call('/api/authorize/auth', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credentials: { email, password } }),
    });
    const body = answer.body as { access_token?: unknown; expire_date?: unknown } | null;
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      throw new ApiError(502, ApiCode.externalService, 'the example backend could not log in to the API', { api_status: answer.status, api_body: answer.body });
    }
    cached = { token: body.access_token, expiresAt: typeof body.expire_date === 'number' ? body.expire_date * 1000 : 0 };
    return cached.token;
  };

  /** An API call with the backend's access token; logs in again once if the token expired or was revoked. */
  const authorized = async (path: string, init: RequestInit): Promise<ApiAnswer> => {
    const send = async (renew: boolean) =>
      call(path, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-Forensic-Access-Token': await accessToken(renew) } });
    const answer = await send(false);
    const code = (answer.body as { error_code?: unknown } | null)?.error_code;
    return answer.status === 401 && (code === ApiCode.authExpired || code === ApiCode.authInvalid) ? send(true) : answer;
  };

  const relay = (reply: FastifyReply, answer: ApiAnswer) => reply.status(answer.status).send(answer.body);

  /**
   * The page posts the container Blob (application/octet-stream), or, without a container, the classic form (media
   * parts and a `payload` part with media:tags and folder:meta_data). `?instant=true` targets the Instant API.
   */
  app.post('/forward', { bodyLimit: limit }, async (request: FastifyRequest, reply) => {
    const instant = (request.query as { instant?: string }).instant === 'true';
    const path = instant ? '/api/instant/folders/' : '/api/folders/';
    if (request.isMultipart()) {
      const form = new FormData();
      let total = 0;
      for await (const part of request.parts({ limits: { fileSize: limit } })) {
        if (part.type === 'file') {
          const data = await part.toBuffer();
          total += data.length;
          if (total > limit) throw tooLarge();
          form.append(part.fieldname, new Blob([new Uint8Array(data)], { type: part.mimetype }), part.filename || part.fieldname);
        } else {
          total += Buffer.byteLength(String(part.value));
          if (total > limit) throw tooLarge();
          form.append(part.fieldname, String(part.value));
        }
      }
      return relay(reply, await authorized(path, { method: 'POST', body: form }));
    }
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new ApiError(400, ApiCode.noContainer, 'post the container as application/octet-stream, or the classic multipart form', null);
    }
    return relay(
      reply,
      await authorized(path, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(body) }),
    );
  });

  /** For api-use-session-token="client": the backend gets the session token and hands it to the page. */
  app.get('/session-token', async (_request, reply) => relay(reply, await authorized('/api/authorize/session_token', { method: 'GET' })));

  /**
   * The folder as the host's backend sees it, with its analyses: the page shows it after a check, since the page
   * itself holds no access token (and with `result-mode="safe"` learns no verdict).
   */
  app.get('/folders/:id', async (request: FastifyRequest, reply) => {
    const { id } = request.params as { id: string };
    return relay(reply, await authorized(`/api/folders/${encodeURIComponent(id)}/?with_analyses=true`, { method: 'GET' }));
  });
}
