import { existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the api answers itself: the console never shadows it, so an unknown /api path stays the JSON 404. */
export const isApiPath = (path: string): boolean => /^\/(api|metrics)(\/|$)/.test(path);

/** Vite names files under assets/ by their content hash: a new build is a new name. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: the browser revalidates (ETag) on every load, so a deploy shows at once. */
export const PAGE_CACHE = 'no-cache';

/**
 * Serves the built browser console at / (the same origin as the api, so the console
 * needs no CORS and the CSP can stay 'self'). One GET route beside Nest's: a file of
 * the console when the path names one, else index.html (client-side routes such as
 * /cases/…); paths of the api go on to the JSON 404. Returns whether it is served.
 */
export async function serveConsole(app: NestFastifyApplication, dir: string, logger = new Logger('Console')): Promise<boolean> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html')) || !statSync(root).isDirectory()) {
    logger.warn(`the console is not built (no ${join(root, 'index.html')}): / is not served; npm run build builds it`);
    return false;
  }
  // sendFile only (no route of the plugin's own): the route below decides what a path means.
  await app.register(fastifyStatic, { root, serve: false, index: false, dotfiles: 'deny' });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/*', async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
      // The decoded path, as the router matched it (so /%61pi/… is an api path too).
      const wanted = request.params['*'] ?? '';
      if (isApiPath(`/${wanted}`)) return reply.callNotFound();
      const file = await fileIn(root, wanted);
      // @fastify/send would set its own Cache-Control (max-age=0) over ours.
      if (file) return reply.header('cache-control', file.startsWith('assets/') ? ASSET_CACHE : PAGE_CACHE).sendFile(file, { cacheControl: false });
      return reply.header('cache-control', PAGE_CACHE).type('text/html; charset=utf-8').sendFile('index.html', { cacheControl: false });
    });
  return true;
}

/** The path relative to the console's root when it names a regular file inside it (never outside, never a dotfile), else null. */
async function fileIn(root: string, wanted: string): Promise<string | null> {
  if (wanted === '' || wanted.includes('\0') || wanted.split('/').some((segment) => segment.startsWith('.'))) return null;
  const full = resolve(root, wanted);
  if (!full.startsWith(root + sep)) return null;
  const found = await stat(full).catch(() => null);
  return found?.isFile()
    ? full
        .slice(root.length + 1)
        .split(sep)
        .join('/')
    : null;
}
