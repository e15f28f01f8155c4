import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ACCESS_METADATA, AccessDeclaration } from '@shouhu/auth';

export interface RouteInfo {
  method: string;
  path: string;
  /** "public", "any role" or the sorted roles. */
  access: string;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');

/** Every route the app registered, with its declared access, from Nest's own metadata. */
export function registeredRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const decl = (Reflect.getMetadata(ACCESS_METADATA, handler) ?? Reflect.getMetadata(ACCESS_METADATA, wrapper.metatype)) as AccessDeclaration | undefined;
      const full = base === 'metrics' ? join(base, path) : join('api', base, path);
      const access = !decl ? 'UNDECLARED' : decl.public ? 'public' : decl.roles === 'any' ? 'any role' : [...decl.roles].sort().join(', ');
      routes.push({ method: RequestMethod[method], path: full, access });
    }
  }
  const key = (r: RouteInfo) => `${r.path} ${r.method}`;
  return routes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
