import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client, Notification } from 'pg';
import type { Actor } from '@shouhu/access';
import { AppConfig } from '@shouhu/config';
import type { User } from './entities/user.entity';

export const AUTH_CHANNEL = 'shouhu_auth';
/** Entries kept at most; past it the oldest go first. */
const MAX_ENTRIES = 10_000;
const RECONNECT_MS = 1_000;

export interface CachedActor {
  actor: Actor;
  user: User;
}

interface Entry extends CachedActor {
  userId: string;
  expiresAt: number;
}

/**
 * What the request guard learnt about a token (the active user behind it, with its
 * jurisdiction), remembered for AUTH_CACHE_MS so that a request costs one PostgreSQL round
 * trip fewer. Never at the cost of "deactivation, password changes and sign-out take effect
 * at once, on every replica":
 * - triggers announce every such change on the channel `shouhu_auth` (migration
 *   1796000000300-AuthChangeNotify), and each api process LISTENs on a connection of its own
 *   (outside the pool) and drops what the change touches;
 * - the cache answers only while that connection is listening: before it is up, after it
 *   fails and until it is up again (everything is forgotten then), every request asks PostgreSQL;
 * - the writes this process makes drop their entries themselves before they run (forgetUser,
 *   forgetToken), so its own next request never waits on the notification;
 * - only positive answers are kept (an unknown or refused token is asked every time), and
 *   an entry is dropped when its token expires.
 * The worker never asks, so it never listens.
 */
@Injectable()
export class ActorCache implements OnModuleDestroy {
  private readonly logger = new Logger(ActorCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly tokensOf = new Map<string, Set<string>>();
  private client: Client | null = null;
  private listening = false;
  private starting = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly config: AppConfig) {}

  private get ttl(): number {
    return this.config.AUTH_CACHE_MS;
  }

  /** The remembered answer for this token, or null (then the caller asks PostgreSQL and calls remember). */
  get(tokenId: string): CachedActor | null {
    if (this.ttl === 0) return null;
    if (!this.listening) {
      this.start();
      return null;
    }
    const e = this.entries.get(tokenId);
    if (!e) return null;
    if (e.expiresAt <= Date.now()) {
      this.drop(tokenId);
      return null;
    }
    return { actor: e.actor, user: e.user };
  }

  /** Remembers an answer read from PostgreSQL, until min(now + AUTH_CACHE_MS, the token's expiry). */
  remember(tokenId: string, tokenExpiresAtMs: number, found: CachedActor): void {
    if (this.ttl === 0 || !this.listening) return;
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
    this.drop(tokenId);
    this.entries.set(tokenId, { ...found, userId: found.user.id, expiresAt: Math.min(Date.now() + this.ttl, tokenExpiresAtMs) });
    let tokens = this.tokensOf.get(found.user.id);
    if (!tokens) this.tokensOf.set(found.user.id, (tokens = new Set()));
    tokens.add(tokenId);
  }

  forgetUser(userId: string): void {
    for (const tokenId of this.tokensOf.get(userId) ?? []) this.entries.delete(tokenId);
    this.tokensOf.delete(userId);
  }

  forgetToken(tokenId: string): void {
    this.drop(tokenId);
  }

  forgetAll(): void {
    this.entries.clear();
    this.tokensOf.clear();
  }

  /** Whether answers come from memory now (tests, health). */
  get active(): boolean {
    return this.listening && this.ttl > 0;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stopListening();
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private drop(tokenId: string): void {
    const e = this.entries.get(tokenId);
    if (!e) return;
    this.entries.delete(tokenId);
    const tokens = this.tokensOf.get(e.userId);
    tokens?.delete(tokenId);
    if (tokens && tokens.size === 0) this.tokensOf.delete(e.userId);
  }

  private onNotification(n: Notification): void {
    if (n.channel !== AUTH_CHANNEL) return;
    const payload = n.payload ?? '*';
    if (payload.startsWith('u:')) this.forgetUser(payload.slice(2));
    else if (payload.startsWith('t:')) this.forgetToken(payload.slice(2));
    else this.forgetAll();
  }

  private stopListening(): void {
    this.listening = false;
    this.forgetAll();
  }

  /** Connects and LISTENs in the background; the request that triggered it is not held up. */
  private start(): void {
    if (this.starting || this.closed || this.retry || this.ttl === 0) return;
    this.starting = true;
    const client = new Client({ connectionString: this.config.DATABASE_URL, connectionTimeoutMillis: this.config.DB_CONNECT_TIMEOUT_MS });
    const fail = (error: unknown) => {
      if (this.client !== client) return;
      // No detail: the error may quote the connection string.
      this.logger.warn(`token cache off until the ${AUTH_CHANNEL} listener reconnects (${(error as { code?: string })?.code ?? 'error'})`);
      this.stopListening();
      this.client = null;
      this.starting = false;
      client.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => ((this.retry = null), this.start()), RECONNECT_MS).unref();
    };
    this.client = client;
    client.on('notification', (n) => this.onNotification(n));
    client.on('error', fail);
    client.on('end', () => fail(new Error('ended')));
    client
      .connect()
      .then(() => client.query(`LISTEN ${AUTH_CHANNEL}`))
      .then(() => {
        if (this.client !== client || this.closed) return;
        // Anything remembered before is from before the listener: start empty.
        this.forgetAll();
        this.listening = true;
        this.starting = false;
      })
      .catch(fail);
  }
}
