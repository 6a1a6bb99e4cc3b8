// Request validation with ajv. Bodies are checked strictly: no type coercion, no silently dropped
// fields (schemas say additionalProperties: false), every error reported with a JSON pointer.
// Query strings and path parameters are text by nature, so those may be coerced to numbers.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; under ESM its function sits on .default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  const fn = ajv.compile(schema as object) as ValidateFunction;
  return (data: unknown) => {
    if (fn(data)) return { value: data };
    return { error: Object.assign(new Error('validation failed'), { validation: fn.errors ?? [] }) };
  };
};

/** One line per ajv error, with a JSON pointer into the part of the request that was checked. */
export function describeValidationErrors(
  part: string,
  errs: ErrorObject[],
): { pointer: string; detail: string }[] {
  return errs.map((e) => {
    let pointer = e.instancePath || '';
    let detail = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      pointer = `${pointer}/${extra}`;
      detail = 'is not a known field';
    } else if (e.keyword === 'required') {
      pointer = `${pointer}/${(e.params as { missingProperty: string }).missingProperty}`;
      detail = 'is required';
    } else if (e.keyword === 'enum' || e.keyword === 'const') {
      const allowed = (e.params as { allowedValues?: unknown[]; allowedValue?: unknown }).allowedValues ?? [
        (e.params as { allowedValue?: unknown }).allowedValue,
      ];
      detail = `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
    }
    return { pointer: `${part}${pointer}`, detail };
  });
}
