import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AttachmentStorage } from './attachment-storage';

const KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/**
 * Files under one folder (ATTACHMENT_DIR, by default <repo>/.shouhu/attachments):
 * `<first two hex digits>/<uuid>`, owner-only permissions (0600 files, 0700 folders).
 * A file is written under tmp/ and renamed into place once complete, so a reader
 * never sees half a file and a failed upload leaves nothing behind.
 */
export class LocalFileStorage extends AttachmentStorage {
  constructor(private readonly dir: string) {
    super();
  }

  async put(source: Readable): Promise<string> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id}`;
    const tmpDir = join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    await mkdir(join(this.dir, id.slice(0, 2)), { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${id}.part`);
    try {
      await pipeline(source, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      await rename(tmp, this.path(key));
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    return key;
  }

  get(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range);
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async discard(key: string): Promise<void> {
    await unlink(this.path(key)).catch(() => undefined);
  }

  /** The file of a key; a key is only ever one this driver made (no path tricks). */
  path(key: string): string {
    if (!KEY.test(key)) throw new Error('not a storage key');
    return join(this.dir, key);
  }
}
