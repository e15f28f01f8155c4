import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@shouhu/config';

export interface TokenClaims {
  sub: string;
  role: string;
  iat: number;
  exp: number;
}

/** HS256 access tokens. Verification accepts HS256 only: `alg: none` and key confusion fail. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  issue(userId: string, role: string): { accessToken: string; expiresAt: Date } {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.config.JWT_TTL_SECONDS;
    const accessToken = this.jwt.sign({ sub: userId, role, iat, exp }, { secret: this.config.JWT_SECRET, algorithm: 'HS256' });
    return { accessToken, expiresAt: new Date(exp * 1000) };
  }

  /** The claims, or null for any token that is malformed, tampered with, expired or not HS256. */
  verify(token: string): TokenClaims | null {
    try {
      const claims = this.jwt.verify<TokenClaims>(token, { secret: this.config.JWT_SECRET, algorithms: ['HS256'] });
      return typeof claims.sub === 'string' && typeof claims.iat === 'number' ? claims : null;
    } catch {
      return null;
    }
  }
}
