import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A signed-out access token (by its jti), refused until it would have expired
 * anyway. In PostgreSQL, the truth every api replica reads on every request.
 */
@Entity('revoked_token')
export class RevokedToken {
  @PrimaryColumn('uuid')
  jti: string;

  @Column({ type: 'uuid' })
  userId: string;

  /** The token's own expiry: afterwards the row serves no purpose and is pruned. */
  @Index('revoked_token_expires_at_idx')
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  revokedAt: Date;
}
