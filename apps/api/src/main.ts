import { Logger } from 'nestjs-pino';
import { ConfigError, processConfig } from '@shouhu/config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = processConfig();
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = `http://${config.HOST}:${config.PORT}`;
  app.get(Logger).log(`api listening on ${url}/api (docs ${url}/api/docs)`);
}

main().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say which variable, without a stack.
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `api failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
