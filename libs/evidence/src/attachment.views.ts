import { ApiProperty } from '@nestjs/swagger';
import { AttachmentKind, AttachmentType } from './domain';
import type { Attachment } from './entities/attachment.entity';

export class AttachmentRetractionView {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'uuid' }) by: string;
  @ApiProperty({ example: '上传错了个案。' }) reason: string;
}

export class AttachmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: AttachmentKind, enumName: 'AttachmentKind' }) kind: AttachmentKind;
  @ApiProperty({ example: '伤情照片.jpg', description: 'as uploaded' }) fileName: string;
  @ApiProperty({ description: 'bytes of the stored file (after its metadata was stripped)', example: 482113 }) size: number;
  @ApiProperty({ enum: AttachmentType, enumName: 'AttachmentType', description: 'decided from the content' }) contentType: AttachmentType;
  @ApiProperty({ description: 'SHA-256 (hex) of the stored file: what a download returns', example: 'a3f1…' }) sha256: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) uploadedAt: string;
  @ApiProperty({ format: 'uuid' }) uploadedBy: string;
  @ApiProperty({ type: AttachmentRetractionView, nullable: true, description: 'set once retracted: the file is no longer served' })
  retracted: AttachmentRetractionView | null;
}

export class AttachmentListView {
  @ApiProperty({ type: [AttachmentView], description: 'oldest first; retracted ones included and marked' }) items: AttachmentView[];
}

export function attachmentView(a: Attachment): AttachmentView {
  return {
    id: a.id,
    caseId: a.caseId,
    kind: a.kind,
    fileName: a.fileName,
    size: a.size,
    contentType: a.contentType as AttachmentType,
    sha256: a.sha256,
    note: a.note,
    uploadedAt: a.uploadedAt.toISOString(),
    uploadedBy: a.uploadedById,
    retracted:
      a.retractedAt && a.retractedById && a.retractionReason !== null
        ? { at: a.retractedAt.toISOString(), by: a.retractedById, reason: a.retractionReason }
        : null,
  };
}
