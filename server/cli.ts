// `npm run emulator`: the Oz API emulator alone. PORT (default 8080) and HOST (default 127.0.0.1) are respected;
// everything else comes from server/emulator.config.json or OZ_EMULATOR_* variables (docs/emulator.md).
import { buildEmulator } from './app.ts';
import { ConfigError, loadConfigOptions } from './config.ts';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT: an integer from 0 to 65535 is needed, got "${process.env.PORT}"`);
  const app = await buildEmulator({ ...loadConfigOptions(), logger: { level: process.env.OZ_EMULATOR_LOG ?? 'warn' } });
  const address = await app.listen({ port, host });
  const config = app.emulatorConfig;
  console.log(`Oz API emulator listening on ${address}`);
  console.log(`  data folder: ${config.dataDir}`);
  console.log(`  account: ${config.accounts[0]!.email} (password from config or OZ_EMULATOR_PASSWORD)`);
  console.log(`  allowed page origins: ${config.allowedOrigins.join(', ') || '(none)'}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
