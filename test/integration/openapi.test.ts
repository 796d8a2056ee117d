/**
 * The OpenAPI document at /api/openapi.json is a well-formed OpenAPI 3 document that documents
 * the findings, assets and dashboard routes with their parameters; /api/docs serves the page.
 * It validates against the official OpenAPI schema, and every schema in it compiles as a JSON Schema.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

interface Operation {
  tags?: string[];
  summary?: string;
  parameters?: { name: string; in: string; schema?: object; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('OpenAPI document', () => {
  let t: TestServer;
  let doc: Document;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    const response = await t.api<Document>('GET', '/api/openapi.json', { as: 'anonymous' });
    expect(response.status).toBe(200);
    doc = response.body;
  });
  afterAll(async () => t?.close());

  it('validates against the official OpenAPI schema for its version', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is an OpenAPI 3 document whose operations all have responses', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(typeof doc.info.version).toBe('string');
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        expect(METHODS, `${method} ${path}`).toContain(method);
        expect(Object.keys(operation.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
        // Path templates and path parameters agree.
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect(declared, `${method} ${path} path parameters`).toEqual(templated);
        for (const parameter of operation.parameters ?? []) {
          expect(['query', 'header', 'path', 'cookie']).toContain(parameter.in);
          if (parameter.in === 'path') expect(parameter.required).toBe(true);
        }
      }
    }
  });

  it('documents the findings, assets and dashboard routes with tags, summaries and parameters', () => {
    const expected: Record<string, string[]> = {
      '/api/vulnerabilities': ['severity', 'status', 'asset', 'plugin', 'assignee', 'cve', 'first_seen_after', 'last_seen_before', 'correlation_confidence_min', 'manual_review_required', 'overdue', 'lifecycle', 'q', 'limit', 'offset', 'cursor', 'sort_by', 'sort_order'],
      '/api/tenable/vulnerabilities': ['severity', 'sort_by', 'cursor'],
      '/api/vulnerabilities/{id}': ['id'],
      '/api/tenable/vulnerabilities/{id}': ['id'],
      '/api/vulnerabilities/export': ['format', 'severity', 'q'],
      '/api/assets': ['q', 'sort_by', 'limit', 'offset'],
      '/api/assets/{id}': ['id', 'cursor'],
      '/api/hosts/summary': ['sort_by', 'limit'],
      '/api/dashboard/summary': [],
      '/api/dashboard/trends': ['from', 'to'],
      '/api/dashboard/vulnerability-summary': [],
      '/api/dashboard/top-hosts': ['limit'],
      '/api/dashboard/top-cves': ['limit'],
      '/api/dashboard/top-plugins': ['limit'],
      '/api/dashboard/sla': ['today'],
    };
    for (const [path, parameters] of Object.entries(expected)) {
      const operation = doc.paths[path]?.get;
      expect(operation, path).toBeDefined();
      expect(operation!.tags?.length, `${path} tags`).toBeGreaterThan(0);
      expect(operation!.summary, `${path} summary`).toBeTruthy();
      expect((operation!.parameters ?? []).map((p) => p.name)).toEqual(expect.arrayContaining(parameters));
    }
    const sortBy = doc.paths['/api/vulnerabilities']!.get!.parameters!.find((p) => p.name === 'sort_by')!;
    expect(JSON.stringify(sortBy.schema)).toContain('vpr_score');
    const page = doc.paths['/api/vulnerabilities']!.get!.responses['200']!.content!['application/json']!.schema;
    expect(JSON.stringify(page)).toContain('next_cursor');
  });

  it('holds only schemas that compile as JSON Schema', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    let compiled = 0;
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item)) {
        for (const parameter of operation.parameters ?? []) {
          if (!parameter.schema) continue;
          ajv.compile(parameter.schema);
          compiled++;
        }
        for (const response of Object.values(operation.responses)) {
          for (const media of Object.values(response.content ?? {})) {
            ajv.compile(media.schema);
            compiled++;
          }
        }
      }
    }
    expect(compiled).toBeGreaterThan(50);
  });

  it('serves the browsable page at /api/docs', async () => {
    const response = await fetch(`${t.base}/api/docs/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('swagger-ui');
  });
});
