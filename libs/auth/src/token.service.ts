import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@shouhu/config';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenClaims {
  sub: string;
  role: string;
  /** The token's own id, by which logout revokes it. */
  jti: string;
  /** Seconds, with milliseconds as the fraction. */
  iat: number;
  exp: number;
}

/** How many verified tokens TokenService remembers (the oldest is forgotten first). */
export const VERIFIED_TOKENS_KEPT = 10_000;

/** HS256 access tokens. Verification accepts HS256 only: `alg: none` and key confusion fail. */
@Injectable()
export class TokenService {
  /** A KeyObject made once: jsonwebtoken would otherwise import the secret on every verify. */
  private readonly key: KeyObject;
  /**
   * Tokens already verified, by their exact text: the same text verifies the same way every time
   * but for its expiry, which is checked again on each use. A user sends the same token with every
   * request; checking its signature (an HMAC) and parsing its JSON took about a tenth of the api's
   * time for a queue page in a profile. Sign-out and deactivation are not this cache's business: the guard asks
   * ActorCache (or the database) after it, on every request. Only valid tokens are kept.
   */
  private readonly verified = new Map<string, Readonly<TokenClaims>>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
  }

  issue(userId: string, role: string): { accessToken: string; expiresAt: Date } {
    // iat keeps milliseconds (NumericDate may be fractional): a token issued in the same
    // second as, but before, a password change or deactivation must still be refused.
    const iat = Date.now() / 1000;
    const exp = Math.floor(iat) + this.config.JWT_TTL_SECONDS;
    const accessToken = this.jwt.sign({ sub: userId, role, iat, exp, jti: randomUUID() }, { secret: this.key as unknown as Buffer, algorithm: 'HS256' });
    return { accessToken, expiresAt: new Date(exp * 1000) };
  }

  /** The claims, or null for any token that is malformed, tampered with, expired or not HS256. */
  verify(token: string): Readonly<TokenClaims> | null {
    const known = this.verified.get(token);
    if (known) {
      // As jsonwebtoken decides it: expired from the second `exp` names.
      if (Math.floor(Date.now() / 1000) < known.exp) return known;
      this.verified.delete(token);
      return null;
    }
    const claims = this.check(token);
    if (claims) {
      if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private check(token: string): Readonly<TokenClaims> | null {
    try {
      const claims = this.jwt.verify<TokenClaims>(token, { secret: this.key as unknown as Buffer, algorithms: ['HS256'] });
      // Only we sign tokens, but a subject or id that is not a UUID must not reach the user query (500).
      // A token without an id could never be signed out, so it is not accepted either.
      const wellFormed = typeof claims.sub === 'string' && UUID.test(claims.sub) && typeof claims.jti === 'string' && UUID.test(claims.jti);
      return wellFormed && typeof claims.iat === 'number' && typeof claims.exp === 'number' ? Object.freeze(claims) : null;
    } catch {
      return null;
    }
  }
}
