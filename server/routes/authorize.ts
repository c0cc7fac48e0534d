import type { FastifyInstance } from 'fastify';
import { pageOrigin } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { JSON_BODY_LIMIT as JSON_LIMIT } from '../config.ts';
import { ApiCode, ApiError } from '../errors.ts';

/** /api/authorize/*: access tokens, their refresh, session tokens and the key that signs them. */
export async function authorizeRoutes(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  app.post('/api/authorize/auth', { bodyLimit: JSON_LIMIT }, async (request) => ctx.accounts.login(request.body));

  app.post('/api/authorize/refresh', { bodyLimit: JSON_LIMIT }, async (request) => ctx.accounts.refresh(request.body));

  /**
   * With an access token: a session for that account. Without one: only for a page of an allowed origin (the
   * web-adapter role of api-use-session-token="api"); the session then belongs to the web-adapter account.
   */
  app.get('/api/authorize/session_token', async (request) => {
    const account = ctx.accounts.optional(request);
    if (account) {
      ctx.accounts.requireWrite(account);
      return { session_token: (await ctx.sessions.issue(account.userId, null)).token };
    }
    const origin = ctx.config.webAdapter ? pageOrigin(request, ctx.config.allowedOrigins) : null;
    if (!origin) {
      throw new ApiError(401, ApiCode.authNotProvided, 'X-Forensic-Access-Token not provided, and the request comes from no allowed page origin', {
        origin: request.headers.origin ?? null,
      });
    }
    return { session_token: (await ctx.sessions.issue(ctx.accounts.webAdapterAccount().userId, origin)).token };
  });

  app.get('/api/authorize/jwks', async () => ctx.sessions.jwks());
}
