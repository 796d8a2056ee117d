/** One error shape for every response: {error: {code, message, details}}. Domain codes map to HTTP statuses here only. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';
import { ImportFormatError } from '../importers/importer.ts';

const STATUS: Record<DomainErrorCode, number> = {
  invalid_scan_date: 400,
  file_not_found: 400,
  import_format_error: 400,
  not_found: 404,
  validation_error: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_locked: 423,
  forbidden: 403,
  conflict: 409,
  busy: 503,
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply.status(error.status).send(errorBody(error.code, error.message, error.details));
  } else if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      field: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message,
    }));
    void reply.status(400).send(errorBody('validation_error', 'request is not valid', details));
  } else if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    void reply.status(400).send(errorBody('validation_error', 'request is not valid', details));
  } else if (error instanceof ImportFormatError) {
    void reply.status(400).send(errorBody(error.code, error.message, { file: error.fileName, line: error.line }));
  } else if (error instanceof DomainError) {
    void reply.status(STATUS[error.code]).send(errorBody(error.code, error.message, error.details));
  } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
    void reply.status(error.statusCode).send(errorBody(error.code ?? 'bad_request', error.message));
  } else {
    request.log.error({ err: error }, 'unhandled error');
    void reply.status(500).send(errorBody('internal_error', 'an unexpected error occurred; see the server log'));
  }
}
