import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { Actor, Role } from '@shouhu/access';

export const ACCESS_METADATA = 'shouhu:access';

/** Who may call a route. Every route declares one; the guard refuses routes that do not. */
export type AccessDeclaration = { public: true } | { public: false; roles: Role[] | 'any' };

/** No token needed (login, health). */
export const Public = () => applyDecorators(SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessDeclaration), ApiSecurity({}));

/** A valid token of one of these roles; resource scoping happens in the service. */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ACCESS_METADATA, { public: false, roles } satisfies AccessDeclaration), ApiBearerAuth());

/** Any signed-in user, whatever the role. */
export const AnyRole = () => applyDecorators(SetMetadata(ACCESS_METADATA, { public: false, roles: 'any' } satisfies AccessDeclaration), ApiBearerAuth());

export interface AuthenticatedRequest {
  actor?: Actor;
}

/** The signed-in caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});

/** The claims of the caller's bearer token (for logout). */
export const CurrentToken = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const claims = ctx.switchToHttp().getRequest<{ tokenClaims?: unknown }>().tokenClaims;
  if (!claims) throw new Error('CurrentToken used on a route without authentication');
  return claims;
});

/** The signed-in user row (for /me). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const user = ctx.switchToHttp().getRequest<{ currentUser?: unknown }>().currentUser;
  if (!user) throw new Error('CurrentUser used on a route without authentication');
  return user;
});
