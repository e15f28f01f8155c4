import { Injectable } from '@nestjs/common';
import { ROLE_LABELS } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { Jurisdiction, OrgService, User } from '@shouhu/org';
import type { LoginResponse, MeView } from './dto/auth.dto';
import { LoginThrottle } from './login-throttle';
import { TokenService } from './token.service';

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
    await this.throttle.admit(name, ip);
    const user = await this.org.verifyCredentials(name, password);
    if (!user) {
      await this.throttle.recordFailure(name);
      // One answer for an unknown user, a wrong password and a disabled account.
      throw new DomainError(ErrorCode.InvalidCredentials, 'invalid username or password');
    }
    await this.throttle.recordSuccess(name);
    const { accessToken, expiresAt } = this.tokens.issue(user.id, user.role);
    return { accessToken, expiresAt: expiresAt.toISOString(), user: meView(user) };
  }
}
