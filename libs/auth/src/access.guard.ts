import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { ActorCache, OrgService, User } from '@shouhu/org';
import { ACCESS_METADATA, AccessDeclaration } from './access.decorators';
import { TokenClaims, TokenService } from './token.service';

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
  currentUser?: User;
  tokenClaims?: TokenClaims;
}

export const unauthenticated = () => new DomainError(ErrorCode.Unauthenticated, 'a valid bearer token is required');

/**
 * The one global guard: every route is closed unless it declares @Public(),
 * @AnyRole() or @Roles(...). Tokens are checked against the user row on every
 * request (or its copy in ActorCache, dropped by every change to it), so deactivation,
 * password changes and sign-out take effect at once.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly org: OrgService,
    private readonly cache: ActorCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]);
    if (!declaration) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no access; refused`);
      throw new DomainError(ErrorCode.Forbidden, 'this route is closed');
    }
    if (declaration.public) return true;

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header) : null;
    if (!match) throw unauthenticated();
    const claims = this.tokens.verify(match[1]);
    if (!claims) throw unauthenticated();
    // One query answers "active, approved, credentials unchanged and not signed out", or the answer to it
    // remembered while every change to it is announced to this process (ActorCache).
    const cached = this.cache.get(claims.jti);
    const found =
      cached && cached.user.id === claims.sub && cached.user.credentialsChangedAt.getTime() <= claims.iat * 1000
        ? cached
        : await this.org.actorForToken(claims.sub, claims.iat, claims.jti);
    if (!found) throw unauthenticated();
    if (found !== cached) this.cache.remember(claims.jti, claims.exp * 1000, found);
    request.actor = found.actor;
    request.currentUser = found.user;
    request.tokenClaims = claims;

    if (declaration.roles !== 'any' && !declaration.roles.includes(found.actor.role)) {
      throw new DomainError(ErrorCode.Forbidden, `role ${found.actor.role} may not do this`);
    }
    return true;
  }
}
