import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { ConfigError, processConfig } from '@shouhu/config';
import { createApiApp } from './app';

async function main(): Promise<void> {
  const config = processConfig();
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  app.get(Logger).log(`api listening on ${url}/api (docs ${url}/api/docs)`);
  // npm start (scripts/start.sh) waits for this file before its banner: the port this very
  // process bound, so it never announces a port another program answers on.
  if (config.SHOUHU_READY_FILE) writeFileSync(config.SHOUHU_READY_FILE, `${process.pid} ${port}\n`);
}

main().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say which variable, without a stack.
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `api failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
