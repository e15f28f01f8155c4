/** What an attachment is evidence of (api.md: kind). */
export enum AttachmentKind {
  /** 照片 (photo of an injury, of the home) */
  Photo = 'photo',
  /** 病历 / 诊断证明 (medical record) */
  Medical = 'medical',
  /** 报警回执 (police receipt) */
  Police = 'police',
  /** 学校函件 (school letter) */
  School = 'school',
  /** 其他文书 (any other document) */
  Document = 'document',
  Other = 'other',
}

export const ATTACHMENT_KINDS: readonly AttachmentKind[] = Object.values(AttachmentKind);

/** The media types an attachment may have, decided from its content, never from its name or the client's word. */
export enum AttachmentType {
  Jpeg = 'image/jpeg',
  Png = 'image/png',
  Heic = 'image/heic',
  Pdf = 'application/pdf',
  Docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

/**
 * Every image loses its metadata (EXIF with GPS, XMP, IPTC, comments) before it is stored:
 * JPEG and PNG are re-encoded through sharp (image-scrubber.ts); HEIC, which sharp cannot
 * decode here, has its Exif and XMP items overwritten with zeros (heic.ts).
 */
export const SCRUBBED_TYPES: readonly AttachmentType[] = [AttachmentType.Jpeg, AttachmentType.Png, AttachmentType.Heic];

/** The longest note and retraction reason, in characters (the columns count the same way). */
export const NOTE_MAX_CHARS = 1000;
export const FILE_NAME_MAX_CHARS = 255;
