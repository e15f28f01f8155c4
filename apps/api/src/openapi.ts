import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorBody } from './http/error-body';

/** The tags of the document, in the order a reader meets them. */
const TAGS: [name: string, description: string][] = [
  ['auth', '登录与当前用户 (sign-in, sign-out, the signed-in user)'],
  ['organisation', '辖区与用户 (the jurisdiction tree and user accounts)'],
  ['cases', '个案 (cases: intake, the triage queue, the workflow, timeline and deadlines, approvals)'],
  ['notifications', '通知 (the signed-in user’s notifications)'],
  ['statistics', '监测评估 (de-identified district indicators)'],
  ['audit', '审计 (the district’s audit trail)'],
  ['operations', '运维 (health and metrics)'],
];

/**
 * The OpenAPI document of the api, built from the controllers' decorators. One
 * function for the served document (/api/docs-json) and for `npm run console:types`,
 * so the console's generated types come from exactly what the api serves.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Shouhu 守护 API')
    .setDescription('Case management for child-protection mandatory reports (强制报告). Contract: docs/api.md. Every error answers the ErrorBody schema.')
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the api and the console share one origin, whatever host serves them.
    .addServer('/', 'the server that serves this document')
    .addBearerAuth();
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return unwrapLoneAllOf(SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBody] }));
}

/**
 * @nestjs/swagger writes a property typed by a named enum as `{ allOf: [{ $ref }] }` even when
 * nothing stands beside the `allOf`. That wrapper means exactly its one schema (Redocly's
 * no-illogical-composition-keywords warns about it), so it is replaced by the schema itself.
 * A wrapper with siblings (`nullable`, `description`) stays: in OpenAPI 3.0 a `$ref` ignores its siblings.
 */
export function unwrapLoneAllOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item: unknown) => unwrapLoneAllOf(item)) as T;
  if (node === null || typeof node !== 'object') return node;
  const { allOf } = node as { allOf?: unknown };
  if (Array.isArray(allOf) && allOf.length === 1 && Object.keys(node).length === 1) return unwrapLoneAllOf(allOf[0] as T);
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, unwrapLoneAllOf(value)])) as T;
}
