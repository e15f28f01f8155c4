import { Injectable } from '@nestjs/common';
import { ROLE_LABELS } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { Jurisdiction, OrgService, User } from '@shouhu/org';
import type { LoginResponse, MeView } from './dto/auth.dto';
import { LoginThrottle } from './login-throttle';
import { TokenClaims, TokenService } from './token.service';

export function meView(user: User): MeView {
  const j = user.jurisdiction as Jurisdiction;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role],
    jurisdiction: { id: j.id, level: j.level, name: j.name, path: j.path },
  };
}

@Injectable()
export class AuthService {
  constructor(
    private readonly org: OrgService,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  async login(username: string, password: string, ip: string): Promise<LoginResponse> {
    const name = username.trim().toLowerCase();
    const ticket = await this.throttle.admit(name, ip);
    let user: User | null;
    try {
      user = await this.org.verifyCredentials(name, password);
    } catch (error) {
      await this.throttle.release(ticket);
      throw error;
    }
    if (!user) {
      // One answer for an unknown user, a wrong password, and a disabled, unapproved or rejected account.
      throw new DomainError(ErrorCode.InvalidCredentials, 'invalid username or password');
    }
    await this.throttle.succeeded(ticket);
    const { accessToken, expiresAt } = this.tokens.issue(user.id, user.role);
    return { accessToken, expiresAt: expiresAt.toISOString(), user: meView(user) };
  }

  /** Signs this token out: every replica refuses it from now on, until and after it expires. */
  async logout(claims: TokenClaims): Promise<void> {
    await this.org.revokeToken(claims.jti, claims.sub, new Date(claims.exp * 1000));
  }
}
