// `npm start`: the demo page and the Oz API emulator on ONE origin. Vite serves demo/ on PORT (default 5173) and
// hands /api and /backend to the emulator in the same process: the emulator answers on the page's own connection,
// so it sees the page's Host (and plays the web-adapter role for it), and its answers, error bodies included, reach
// the page as it wrote them. A proxy hop lost those whenever the emulator answered before reading the whole request
// (a 413 for a too-large upload came out as a bare 502). The emulator also listens on an internal loopback port,
// which the backend example calls.
import { fileURLToPath } from 'node:url';
import { createServer, type Plugin } from 'vite';
import type { FastifyInstance } from 'fastify';
import { buildEmulator } from '../server/app.ts';
import { ConfigError, loadConfigOptions } from '../server/config.ts';

/** The emulator's paths go to the emulator itself, ahead of Vite's own middlewares. */
function emulatorRoutes(emulator: FastifyInstance): Plugin {
  const paths = /^\/(api|backend)(\/|\?|$)/;
  return {
    name: 'oz-emulator-routes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (paths.test(req.url ?? '')) emulator.routing(req, res);
        else next();
      });
    },
  };
}

/** Largest capture the demo's example backend forwards (a container, or a whole form). */
const DEMO_FORWARD_LIMIT = 32 * 1024 * 1024;

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 5173);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new ConfigError(`PORT: an integer from 1 to 65535 is needed, got "${process.env.PORT}"`);
  const host = process.env.HOST ?? 'localhost';
  const options = loadConfigOptions();
  const pageOrigins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const emulator = await buildEmulator({
    ...options,
    allowedOrigins: [...new Set([...(options.allowedOrigins ?? []), ...pageOrigins])],
    // The demo's page forwards captures through the example backend and forces results through the meta: both are
    // off in the emulator unless asked for, so the demo asks, for its own page only and with a cap on what it forwards.
    metaSwitches: options.metaSwitches ?? true,
    backendExample: {
      bodyLimitBytes: DEMO_FORWARD_LIMIT,
      ...options.backendExample,
      enabled: true,
      origins: pageOrigins,
    },
    logger: { level: process.env.OZ_EMULATOR_LOG ?? 'warn' },
  });
  const apiUrl = await emulator.listen({ port: 0, host: '127.0.0.1' });
  const vite = await createServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    server: {
      port,
      host,
      strictPort: true,
    },
    plugins: [emulatorRoutes(emulator)],
  });
  await vite.listen();
  const page = vite.resolvedUrls?.local[0] ?? `http://${host}:${port}/`;
  const config = emulator.emulatorConfig;
  console.log(`Demo page and Oz API emulator: ${page}`);
  console.log(`  API:      ${page}api/  (the same origin; emulator internally at ${apiUrl})`);
  console.log(`  backend:  ${page}backend/forward  (host-backend example for the capture architecture)`);
  console.log(`  account:  ${config.accounts[0]!.email}   data: ${config.dataDir}`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await vite.close();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
