export { ACCESS_METADATA, AnyRole, CurrentActor, CurrentToken, CurrentUser, Public, Roles } from './access.decorators';
export type { AccessDeclaration, AuthenticatedRequest } from './access.decorators';
export { AccessGuard } from './access.guard';
export { AuthModule } from './auth.module';
export { AuthService, meView } from './auth.service';
export * from './dto/auth.dto';
export { TokenService } from './token.service';
export type { TokenClaims } from './token.service';
