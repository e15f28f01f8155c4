import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '@shouhu/config';
import { TokenService, VERIFIED_TOKENS_KEPT } from './token.service';

const USER = '7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

function service(ttl = 3600): { tokens: TokenService; jwt: JwtService } {
  const jwt = new JwtService();
  const tokens = new TokenService(jwt, { JWT_SECRET: 'a-secret-long-enough-for-hs256-tests', JWT_TTL_SECONDS: ttl } as AppConfig);
  return { tokens, jwt };
}

describe('TokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('verifies a token once, then answers its claims from memory until it expires', () => {
    jest.useFakeTimers({ now: new Date('2026-12-03T08:00:00.400Z') });
    const { tokens, jwt } = service(60);
    const verify = jest.spyOn(jwt, 'verify');
    const { accessToken, expiresAt } = tokens.issue(USER, 'street_supervisor');
    const first = tokens.verify(accessToken);
    expect(first).toMatchObject({ sub: USER, role: 'street_supervisor' });
    expect(tokens.verify(accessToken)).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first)).toBe(true);
    // The last valid instant, then the second its `exp` names: refused as jsonwebtoken refuses it.
    jest.setSystemTime(expiresAt.getTime() - 1);
    expect(tokens.verify(accessToken)).toBe(first);
    jest.setSystemTime(expiresAt.getTime());
    expect(tokens.verify(accessToken)).toBeNull();
    expect(tokens.verify(accessToken)).toBeNull();
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('a remembered token does not let a tampered copy through', () => {
    const { tokens } = service();
    const { accessToken } = tokens.issue(USER, 'district_staff');
    expect(tokens.verify(accessToken)).not.toBeNull();
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
    expect(tokens.verify(forged)).toBeNull();
    expect(tokens.verify(`${accessToken}x`)).toBeNull();
    expect(tokens.verify(`${header}.${payload}.`)).toBeNull();
  });

  it('keeps at most VERIFIED_TOKENS_KEPT tokens, forgetting the oldest first', () => {
    const { tokens, jwt } = service();
    const issued = Array.from({ length: VERIFIED_TOKENS_KEPT + 1 }, () => tokens.issue(USER, 'community_director').accessToken);
    for (const t of issued) expect(tokens.verify(t)).not.toBeNull();
    const verify = jest.spyOn(jwt, 'verify');
    expect(tokens.verify(issued[issued.length - 1])).not.toBeNull();
    expect(tokens.verify(issued[1])).not.toBeNull();
    expect(verify).not.toHaveBeenCalled();
    // The first was forgotten when the last came: it is verified again (and still valid).
    expect(tokens.verify(issued[0])).not.toBeNull();
    expect(verify).toHaveBeenCalledTimes(1);
    expect((tokens as unknown as { verified: Map<string, unknown> }).verified.size).toBe(VERIFIED_TOKENS_KEPT);
  });
});
