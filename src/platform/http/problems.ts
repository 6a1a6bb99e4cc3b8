// The one handler that turns every error into RFC 9457 application/problem+json.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, errors } from '../errors.ts';
import { describeValidationErrors } from './validation.ts';

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const problem = err.toProblem(request.url.split('?')[0]);
  if ((err.status === 429 || err.status === 503) && typeof err.extensions.retryAfter === 'number') {
    reply.header('retry-after', String(err.extensions.retryAfter));
  }
  if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="bulwark"');
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send({ ...problem, requestId: request.id });
}

function toAppError(
  err: FastifyError & { validation?: ErrorObject[]; validationContext?: string },
  contentType: string | undefined,
  bodyLimit: number,
): AppError {
  if (err instanceof AppError) return err;
  if (err.validation) {
    const part = err.validationContext ?? 'body';
    const list = describeValidationErrors(part === 'body' ? '' : `#${part}`, err.validation);
    const first = list[0];
    const where = part === 'body' ? 'request body' : part;
    return errors.validation(
      first
        ? `The ${where} is invalid: ${first.pointer || '(root)'} ${first.detail}.`
        : `The ${where} is invalid.`,
      list,
    );
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.tooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(contentType, ['application/json']);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson('The body is empty but Content-Type says application/json.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.malformedJson(`The body is not valid JSON: ${err.message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.badRequest('Content-Length does not match the body.');
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/.test(err.message))) {
    return errors.malformedJson(`The body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode === 413) return errors.tooLarge(bodyLimit);
  if (err.statusCode === 415) return errors.unsupportedMediaType(contentType, ['application/json']);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return errors.badRequest(err.message);
  return errors.internal();
}

export function installProblemHandlers(
  app: FastifyInstance,
  bodyLimit: number,
  spaShell?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appErr = toAppError(err, request.headers['content-type']?.slice(0, 100), bodyLimit);
    if (appErr.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(reply, request, appErr);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      spaShell?.(request, reply) ??
      sendProblem(
        reply,
        request,
        new AppError(
          404,
          'not-found',
          'Not found',
          `No route ${request.method} ${request.url.split('?')[0]}.`,
        ),
      ),
  );
}
