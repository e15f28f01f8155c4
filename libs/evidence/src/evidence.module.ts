import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseworkModule } from '@shouhu/casework';
import { AppConfig } from '@shouhu/config';
import { OrgModule } from '@shouhu/org';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentsService } from './attachments.service';
import { DemoEvidenceSeeder } from './demo-evidence.seeder';
import { Attachment } from './entities/attachment.entity';
import { FileCipher } from './file-cipher';
import { AttachmentStorage } from './storage/attachment-storage';
import { LocalFileStorage } from './storage/local-file-storage';

/** Evidence attachments of a case (domain.md §12): encrypted files in a storage, their metadata in PostgreSQL. */
@Module({
  imports: [TypeOrmModule.forFeature([Attachment]), CaseworkModule, OrgModule],
  providers: [
    AttachmentRepository,
    AttachmentsService,
    DemoEvidenceSeeder,
    { provide: FileCipher, inject: [AppConfig], useFactory: (config: AppConfig) => FileCipher.fromConfig(config) },
    // The default driver; another (S3-compatible) would be chosen here by configuration.
    { provide: AttachmentStorage, inject: [AppConfig], useFactory: (config: AppConfig) => new LocalFileStorage(config.ATTACHMENT_DIR) },
  ],
  exports: [AttachmentsService, AttachmentStorage, DemoEvidenceSeeder],
})
export class EvidenceModule {}
