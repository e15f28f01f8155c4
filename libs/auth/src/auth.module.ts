import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { OrgModule } from '@shouhu/org';
import { AccessGuard } from './access.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { TokenService } from './token.service';

/** Importing this module closes every HTTP route that does not declare its access. */
@Module({
  imports: [JwtModule.register({}), OrgModule],
  providers: [TokenService, LoginThrottle, AuthService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService, TokenService],
})
export class AuthModule {}
