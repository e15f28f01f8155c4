import { Body, Controller, Get, HttpCode, Injectable, OnModuleInit, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { AppConfig } from '@shouhu/config';
import { DomainError, ErrorCode } from '@shouhu/errors';
// Until tsconfig.json maps @shouhu/evidence (see the report), the lib is imported by its path.
import {
  ATTACHMENT_KINDS,
  AttachmentListView,
  AttachmentsService,
  AttachmentView,
  EvidenceErrors,
  FILE_TOO_LARGE,
  RetractAttachmentDto,
  UploadForm,
} from '@shouhu/evidence';
import { ApiErrors, ErrorBody } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';

const CASE_WORKERS = [Role.CommunityDirector, Role.StreetSupervisor, Role.DistrictStaff] as const;
/** District leadership reads full case content, so it may list and download evidence too; it uploads and retracts nothing. */
const CASE_READERS = [...CASE_WORKERS, Role.DistrictLeader] as const;

/** The one route that takes multipart bodies (Fastify's route pattern). */
const UPLOAD_ROUTE = '/api/cases/:id/attachments';

/** 413 and 415 of the upload, with the shared error body (ApiErrors knows only the statuses every route shares). */
const uploadError = (status: 413 | 415, description: string, code: ErrorCode, message: string) =>
  ApiResponse({
    status,
    description,
    content: {
      'application/json': {
        schema: { $ref: getSchemaPath(ErrorBody) },
        example: { statusCode: status, code, message, details: [{ field: 'file', message }], requestId: '5f0c6b2e-8d1a-4c3e-9b7a-2f4d6e8a1c3b' },
      },
    },
  });

/**
 * Lets Fastify read multipart bodies for the upload route only (@fastify/multipart,
 * streaming; the limits are set per request). Any other route still answers a
 * multipart body with 415, and JSON bodies keep BODY_LIMIT_BYTES everywhere.
 * Registered before the server is ready (module init), so no change to app.ts is needed.
 */
@Injectable()
export class MultipartUploads implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited: awaiting would load the routes now, before Nest installs its error handler; Fastify loads it at ready.
    void fastify.register(multipart, { throwFileSizeLimit: true });
    fastify.addHook('preParsing', async (request: FastifyRequest, _reply, payload) => {
      const type = request.headers['content-type'];
      if (typeof type === 'string' && /^multipart\//i.test(type) && request.routeOptions.url !== undefined && !isUpload(request)) {
        throw new DomainError(ErrorCode.UnsupportedMediaType, 'unsupported content type; send application/json');
      }
      return payload;
    });
  }
}

const isUpload = (request: FastifyRequest) => request.method === 'POST' && request.routeOptions.url === UPLOAD_ROUTE;

/** The request's parts as the evidence domain reads them; the file streams, with the size limit of the configuration. */
async function* formOf(request: FastifyRequest, maxBytes: number): UploadForm {
  // Checked when the service reads the form, after the scope: a case out of scope is 404 whatever the body.
  if (!request.isMultipart()) throw EvidenceErrors.notMultipart();
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 8 * 1024, parts: 6, headerPairs: 50 } })) {
      if (part.type === 'field') yield { type: 'field', name: part.fieldname, value: typeof part.value === 'string' ? part.value : String(part.value) };
      else yield { type: 'file', name: part.fieldname, fileName: part.filename, stream: part.file, truncated: () => part.file.truncated };
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === FILE_TOO_LARGE) throw EvidenceErrors.tooLarge(maxBytes);
    if (code === 'FST_FILES_LIMIT') throw EvidenceErrors.invalid('file', 'only one file per upload');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw EvidenceErrors.invalid('body', 'has too many parts (file, kind, note)');
    // The parser's own errors ("Unexpected end of form", "Malformed part header"…) carry no status: a body that
    // says multipart and is not (found by the fuzzer, test/e2e/fuzz.e2e-spec.ts) is bad input, not a 500.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (!(error instanceof DomainError) && !(typeof status === 'number' && status >= 400 && status < 500)) {
      throw EvidenceErrors.invalid('body', 'is not a well-formed multipart body');
    }
    throw error;
  }
}

/** RFC 6266: an ASCII fallback and the UTF-8 name (Chinese file names survive). */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('attachments')
@Controller('cases/:id/attachments')
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly config: AppConfig,
  ) {}

  @Roles(...CASE_WORKERS)
  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      '上传附件 (attach evidence): multipart, at most 20 MB; JPEG, PNG, HEIC, PDF, DOCX by content; images lose EXIF/GPS/XMP (HEIC too, its metadata items zeroed); size and sha256 are of the file as stored and served; encrypted at rest',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'kind'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'the file (one)' },
        kind: {
          type: 'string',
          enum: [...ATTACHMENT_KINDS],
          description: '照片 photo · 病历 medical · 报警回执 police · 学校函件 school · 文书 document · 其他 other',
        },
        note: { type: 'string', maxLength: 1000 },
      },
    },
  })
  @ApiCreatedResponse({ type: AttachmentView })
  @ApiErrors([400, 401, 403, 404, 422, 503], {
    422: {
      description:
        'RULE_VIOLATION (details name `file`): a HEIC whose metadata cannot be removed while it streams (its meta box after mdat, an item in another file…), or an image of more than 100 megapixels; nothing is stored',
      message: "the HEIC file's metadata (EXIF, GPS) cannot be removed: its image data (mdat) comes before its meta box; send it as JPEG",
    },
  })
  @uploadError(
    413,
    'PAYLOAD_TOO_LARGE: the file is over ATTACHMENT_MAX_BYTES (20 MB); nothing is stored',
    ErrorCode.PayloadTooLarge,
    'must be at most 20971520 bytes',
  )
  @uploadError(
    415,
    'UNSUPPORTED_MEDIA_TYPE: not multipart, or the content is not JPEG, PNG, HEIC, PDF or DOCX (checked by content), or the name’s extension contradicts it',
    ErrorCode.UnsupportedMediaType,
    'its content is none of these types',
  )
  upload(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Req() request: FastifyRequest): Promise<AttachmentView> {
    return this.attachments.upload(actor, id, formOf(request, this.config.ATTACHMENT_MAX_BYTES));
  }

  @Roles(...CASE_READERS)
  @Get()
  @ApiOperation({ summary: '附件列表 (the case’s attachments): metadata only, retracted ones marked' })
  @ApiOkResponse({ type: AttachmentListView })
  @ApiErrors([400, 401, 403, 404, 503])
  list(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<AttachmentListView> {
    return this.attachments.list(actor, id);
  }

  @Roles(...CASE_READERS)
  @Get(':attachmentId/content')
  @ApiOperation({
    summary:
      '下载附件 (download the file): Content-Disposition attachment, Cache-Control no-store; logged in the access log (attachments.content); 404 once retracted',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the stored file (decrypted), with its content type', schema: { type: 'string', format: 'binary' } })
  @ApiErrors([400, 401, 403, 404, 503])
  async content(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Param('attachmentId', UuidParamPipe) attachmentId: string,
  ): Promise<StreamableFile> {
    const { attachment, stream } = await this.attachments.open(actor, id, attachmentId);
    return new StreamableFile(stream, { type: attachment.contentType, length: attachment.size, disposition: contentDisposition(attachment.fileName) });
  }

  @Roles(...CASE_WORKERS)
  @Post(':attachmentId/retraction')
  @HttpCode(200)
  @ApiOperation({ summary: '撤回附件 (retract): hidden with the reason on the timeline; the encrypted file is kept, never deleted' })
  @ApiOkResponse({ type: AttachmentView })
  @ApiErrors([400, 401, 403, 404, 409, 503])
  retract(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Param('attachmentId', UuidParamPipe) attachmentId: string,
    @Body() dto: RetractAttachmentDto,
  ): Promise<AttachmentView> {
    return this.attachments.retract(actor, id, attachmentId, dto.reason);
  }
}
