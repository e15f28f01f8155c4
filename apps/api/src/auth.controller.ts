import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AnyRole, AuthService, CurrentToken, CurrentUser, LoginDto, LoginResponse, meView, MeView, Public } from '@shouhu/auth';
import type { TokenClaims } from '@shouhu/auth';
import { ErrorCode } from '@shouhu/errors';
import type { User } from '@shouhu/org';
import { ApiErrors } from './http/error-body';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: '登录 (sign in): returns a bearer token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors([400, 401, 429, 503], {
    401: {
      description: 'INVALID_CREDENTIALS: the same answer for an unknown user, a wrong password and an account that may not sign in',
      code: ErrorCode.InvalidCredentials,
      message: 'invalid username or password',
    },
  })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<LoginResponse> {
    return this.auth.login(dto.username, dto.password, request.ip);
  }

  @AnyRole()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: '退出 (sign out): this token is refused from now on, by every replica' })
  @ApiNoContentResponse({ description: 'signed out' })
  @ApiErrors([401, 503])
  async logout(@CurrentToken() claims: TokenClaims): Promise<void> {
    await this.auth.logout(claims);
  }

  @AnyRole()
  @Get('me')
  @ApiOperation({ summary: '当前用户 (the signed-in user)' })
  @ApiOkResponse({ type: MeView })
  @ApiErrors([401, 503])
  me(@CurrentUser() user: User): MeView {
    return meView(user);
  }
}
