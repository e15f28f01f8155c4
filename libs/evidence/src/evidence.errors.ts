import { DomainError, ErrorCode } from '@shouhu/errors';

/** The errors of the evidence domain; none names a file, a child or the file's content. */
export const EvidenceErrors = {
  attachmentNotFound: () => DomainError.notFound('attachment'),
  invalid: (field: string, message: string) => DomainError.validation(field, message),
  tooLarge: (maxBytes: number) =>
    new DomainError(ErrorCode.PayloadTooLarge, `the file is larger than ${maxBytes} bytes`, [{ field: 'file', message: `must be at most ${maxBytes} bytes` }]),
  unsupported: (why: string) =>
    new DomainError(ErrorCode.UnsupportedMediaType, `the file is not an accepted type (JPEG, PNG, HEIC, PDF, DOCX): ${why}`, [{ field: 'file', message: why }]),
  notMultipart: () =>
    new DomainError(ErrorCode.UnsupportedMediaType, 'send the attachment as multipart/form-data', [
      { field: 'file', message: 'must be sent as multipart/form-data' },
    ]),
  /** A HEIC laid out so that its metadata cannot be removed while it streams: refused rather than stored with it. */
  heicNotCleanable: (why: string) =>
    new DomainError(ErrorCode.RuleViolation, `the HEIC file's metadata (EXIF, GPS) cannot be removed: ${why}; send it as JPEG`, [
      { field: 'file', message: `is a HEIC whose metadata cannot be removed (${why}); send it as JPEG` },
    ]),
  imageTooLarge: (why: string) => new DomainError(ErrorCode.RuleViolation, why, [{ field: 'file', message: why }]),
  alreadyRetracted: () => new DomainError(ErrorCode.Conflict, 'the attachment is already retracted'),
};
