import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AnyRole, AuthService, CurrentToken, CurrentUser, LoginDto, LoginResponse, meView, MeView, Public } from '@shouhu/auth';
import type { TokenClaims } from '@shouhu/auth';
import type { User } from '@shouhu/org';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: '登录 (sign in): returns a bearer token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS, the same for an unknown user and a wrong password' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_ATTEMPTS: too many failures per username or per client IP' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<LoginResponse> {
    return this.auth.login(dto.username, dto.password, request.ip);
  }

  @AnyRole()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: '退出 (sign out): this token is refused from now on, by every replica' })
  @ApiNoContentResponse({ description: 'signed out' })
  async logout(@CurrentToken() claims: TokenClaims): Promise<void> {
    await this.auth.logout(claims);
  }

  @AnyRole()
  @Get('me')
  @ApiOperation({ summary: '当前用户 (the signed-in user)' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentUser() user: User): MeView {
    return meView(user);
  }
}
