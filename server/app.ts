import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Accounts } from './auth.ts';
import { backendExample } from './backend-example.ts';
import { readBody } from './body.ts';
import { JSON_BODY_LIMIT, resolveConfig, type EmulatorConfig, type EmulatorOptions } from './config.ts';
import type { EmulatorContext } from './context.ts';
import { ApiCode, ApiError, toApiError } from './errors.ts';
import { Folders } from './folders.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { folderRoutes } from './routes/folders.ts';
import { SessionAuthority } from './sessions.ts';
import { Store } from './store.ts';
import { ContainerOpener } from './upload.ts';

export interface BuildOptions extends EmulatorOptions {
  /** Fastify's logger option; off unless given. */
  logger?: FastifyServerOptions['logger'];
  /** The emulator's clock in ms since the epoch: tests move it to expire tokens and sessions without waiting. */
  clock?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The resolved configuration of this emulator. */
    emulatorConfig: EmulatorConfig;
  }
}

/**
 * An Oz-style API emulator as a Fastify instance, ready but not listening: call `listen()` (the CLI and `npm start`
 * do) or `inject()`. Closing it closes its SQLite database.
 */
export async function buildEmulator(options: BuildOptions = {}): Promise<FastifyInstance> {
  const { logger = false, clock = Date.now, ...rest } = options;
  const config = resolveConfig(rest);
  const store = new Store(config.dataDir);
  const app = Fastify({
    logger,
    // Small unless a route says otherwise: only the upload routes, after their gate, read large bodies.
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true,
    // Requests Fastify refuses before routing (a URL that does not decode) get the vendor's body too.
    frameworkErrors: (error, _request, reply) => {
      const apiError = new ApiError(400, ApiCode.invalidStructure, error.message, { reason: error.code });
      void (reply as FastifyReply).status(apiError.statusCode).send(apiError.toBody());
    },
  });
  app.addHook('onClose', async () => store.close());
  try {
    const sessions = await SessionAuthority.create({
      store,
      clock,
      ttlSeconds: config.sessionTokenTtlSeconds,
      signingKey: config.signingKey,
      sessionSecret: config.sessionSecret,
    });
    const opener = new ContainerOpener(sessions, clock);
    await opener.ready();
    const ctx: EmulatorContext = {
      config,
      store,
      accounts: new Accounts(config, store, clock),
      sessions,
      folders: new Folders(config, store, clock),
      opener,
      clock,
    };
    app.decorate('emulatorConfig', config);

    app.setErrorHandler((error, request, reply) => {
      const apiError = toApiError(error);
      if (apiError.statusCode >= 500) request.log.error(error);
      return reply.status(apiError.statusCode).send(apiError.toBody());
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send(new ApiError(404, ApiCode.notExist, `no endpoint ${request.method} ${request.url.split('?')[0]}`).toBody()),
    );

    await app.register(cors, {
      origin: (origin, done) => done(null, origin !== undefined && (config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin))),
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Content-Type', 'X-Forensic-Access-Token', 'X-Session-Token'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    });
    await app.register(multipart, {
      limits: {
        fileSize: config.bodyLimitBytes,
        files: config.maxMediaFiles,
        fields: 16,
        fieldSize: 1024 * 1024,
        parts: config.maxMediaFiles + 16,
        headerPairs: 100,
      },
    });
    app.addContentTypeParser('application/octet-stream', async (request: FastifyRequest, payload: Readable) =>
      readBody(payload, request.headers['content-length'], request.routeOptions.bodyLimit ?? JSON_BODY_LIMIT),
    );

    await app.register(async (api) => {
      await authorizeRoutes(api, ctx);
      await folderRoutes(api, ctx);
    });
    if (config.backendExample.enabled) await app.register(backendExample, { prefix: '/backend', config });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
