import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ACCESS_METADATA, AccessDeclaration } from '@shouhu/auth';

export interface ControllerRoute {
  method: string;
  /** Full path with the global prefix, Nest/Fastify style (`/api/users/:id`). */
  path: string;
  handler: string;
  access: AccessDeclaration | undefined;
}

const segments = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : '']);
const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * Every route of every controller in the application, with its access declaration
 * as the global guard resolves it (handler first, then class). The path is the one
 * Fastify serves: with the global prefix, unless the route is excluded from it.
 */
export function controllerRoutes(app: NestFastifyApplication, globalPrefix = 'api'): ControllerRoute[] {
  const fastify = app.getHttpAdapter().getInstance();
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: ControllerRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const prototype = controller.prototype as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [handler, controller]);
      for (const base of segments(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const sub of segments(methodPath)) {
          const prefixed = join(globalPrefix, base, sub);
          const unprefixed = join(base, sub);
          const served = !fastify.hasRoute({ method: method, url: prefixed }) && fastify.hasRoute({ method: method, url: unprefixed });
          routes.push({ method, path: served ? unprefixed : prefixed, handler: `${controller.name}.${name}`, access });
        }
      }
    }
  }
  return routes;
}

/**
 * Every route Fastify serves (HEAD twins of GET routes left out), read from its
 * route tree: this includes routes registered on Fastify directly, past Nest.
 */
export function fastifyRoutes(app: NestFastifyApplication): { method: string; path: string }[] {
  const printed = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of printed.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const path = (stack[depth - 1] ?? '') + match[2];
    stack[depth] = path;
    stack.length = depth + 1;
    const methods = (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    for (const method of methods) {
      if (method === 'HEAD' && methods.includes('GET')) continue;
      routes.push({ method, path });
    }
  }
  return routes;
}

/** A concrete URL for a route pattern: each `:param` becomes a random-looking UUID. */
export const concrete = (path: string, id: string) => path.replace(/:[A-Za-z]+/g, id);
