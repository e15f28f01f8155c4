import type { Readable } from 'node:stream';

/** One part of a multipart upload, as the HTTP layer hands it over (the domain knows no Fastify). */
export type UploadPart =
  | { type: 'field'; name: string; value: string }
  | {
      type: 'file';
      name: string;
      fileName: string | undefined;
      stream: Readable;
      /** True once the stream was cut at the size limit. */
      truncated: () => boolean;
    };

/** The parts in the order they arrive; the file is read as it streams, never held whole. */
export type UploadForm = AsyncIterable<UploadPart>;

/** Errors the HTTP layer raises while reading the form, told apart by these codes. */
export const FILE_TOO_LARGE = 'FST_REQ_FILE_TOO_LARGE';
