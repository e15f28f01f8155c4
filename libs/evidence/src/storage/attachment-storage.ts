import type { Readable } from 'node:stream';

/**
 * Where the encrypted evidence files live. It sees only ciphertext. The default
 * driver keeps them on the local disk (LocalFileStorage); an S3-compatible driver
 * can implement the same five calls.
 */
export abstract class AttachmentStorage {
  /** Writes the stream to a new object, atomically (all or nothing); resolves to its key. */
  abstract put(source: Readable): Promise<string>;
  /** Reads an object, or the byte range [start, end] (inclusive) of it. */
  abstract get(key: string, range?: { start: number; end: number }): Readable;
  /** The object's size in bytes. */
  abstract size(key: string): Promise<number>;
  abstract exists(key: string): Promise<boolean>;
  /**
   * Removes an object that no record refers to (an upload refused after it was
   * written). Never used for a recorded attachment: evidence is retracted, not deleted.
   */
  abstract discard(key: string): Promise<void>;
}
