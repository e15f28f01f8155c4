import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { CaseQueriesService, CaseStatus, ListCasesQuery } from '@shouhu/cases';
import { OrgService } from '@shouhu/org';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentsService } from './attachments.service';
import { AttachmentKind } from './domain';
import type { UploadForm, UploadPart } from './upload-form';

/** Who uploads the demo photo: the first demo community's director (libs/org/src/demo-organisation.ts). */
export const DEMO_EVIDENCE_UPLOADER = 'dir-xa-01';
/** The demo photo's file name: how the seeder recognises it already did its work. */
export const DEMO_PHOTO_NAME = '示例照片-sample-photo.jpg';

/**
 * A sample photo for the demo: a generated picture (a grey card with a colour chart and a
 * measuring scale, the kind of reference an injury photo is taken beside), no person in it.
 * It carries an EXIF block with made-up GPS coordinates, which the upload removes like any
 * phone photo's.
 */
export async function demoPhoto(width = 640, height = 480): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  const chart = [
    [200, 60, 60],
    [60, 160, 70],
    [60, 90, 200],
    [230, 200, 60],
    [150, 80, 170],
    [240, 240, 240],
  ];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = (y * width + x) * 3;
      let rgb = [180 - Math.round((60 * y) / height), 170 - Math.round((50 * y) / height), 160 - Math.round((40 * y) / height)];
      const patch = Math.floor((x - 40) / 90);
      if (y > 60 && y < 150 && x >= 40 && patch < chart.length && (x - 40) % 90 < 80) rgb = chart[patch];
      // A scale along the bottom: a black bar with a tick every 10 pixels, a longer one every 50.
      if (y > height - 80 && y < height - 70 && x > 40 && x < width - 40) rgb = [20, 20, 20];
      if (x > 40 && x < width - 40 && (x - 40) % 10 === 0 && y >= height - 70 && y < height - ((x - 40) % 50 === 0 ? 40 : 55)) rgb = [20, 20, 20];
      pixels[at] = rgb[0];
      pixels[at + 1] = rgb[1];
      pixels[at + 2] = rgb[2];
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'Shouhu demo', ImageDescription: 'sample photo (demo data)' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 0/1' },
    })
    .toBuffer();
}

/** A one-file form, as the HTTP layer hands an upload over. */
function formOf(file: Buffer, fileName: string, fields: Record<string, string>): UploadForm {
  const parts: UploadPart[] = [
    ...Object.entries(fields).map(([name, value]): UploadPart => ({ type: 'field', name, value })),
    { type: 'file', name: 'file', fileName, stream: Readable.from([file]), truncated: () => false },
  ];
  return Readable.from(parts);
}

/**
 * Demo data (issue 13, item 6): one open demo case of DEMO_EVIDENCE_UPLOADER gets a
 * sample photo, uploaded through AttachmentsService like any other (EXIF and GPS removed,
 * encrypted at rest, `attachment.added` on the timeline). Run after the demo cases
 * (scripts/db.ts seed); does nothing when the organisation or an open case is missing,
 * or when the photo is already there.
 */
@Injectable()
export class DemoEvidenceSeeder {
  constructor(
    private readonly org: OrgService,
    private readonly queries: CaseQueriesService,
    private readonly attachments: AttachmentsService,
    private readonly repository: AttachmentRepository,
  ) {}

  async seed(): Promise<{ created: number; skipped: boolean }> {
    const director = await this.org.actorByUsername(DEMO_EVIDENCE_UPLOADER);
    if (!director) return { created: 0, skipped: true };
    const open = await this.queries.list(
      director,
      Object.assign(new ListCasesQuery(), { status: [CaseStatus.Assessing, CaseStatus.Intervening, CaseStatus.Submitted], limit: 50 }),
    );
    for (const c of open.items) {
      if ((await this.repository.ofCase(c.id)).some((a) => a.fileName === DEMO_PHOTO_NAME)) return { created: 0, skipped: true };
    }
    const target = open.items.find((c) => c.status === CaseStatus.Assessing) ?? open.items[0];
    if (!target) return { created: 0, skipped: true };
    await this.attachments.upload(
      director,
      target.id,
      formOf(await demoPhoto(), DEMO_PHOTO_NAME, {
        kind: AttachmentKind.Photo,
        note: '示例照片：演示数据，非真实人物 (sample photo: demo data, no real person)',
      }),
    );
    return { created: 1, skipped: false };
  }
}
