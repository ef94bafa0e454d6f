import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';

const SCHEMA_PATH = path.resolve(__dirname, '../../../shared/reference/adaptive-card-1.5.schema.json');

let validator: ValidateFunction | null = null;

/** The official Adaptive Cards 1.5 schema (draft-06, root `id` moved to `$id` as Ajv 8 needs). */
function adaptiveCardValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  if (typeof schema.id === 'string') {
    schema.$id = schema.id;
    delete schema.id;
  }
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addMetaSchema(draft06);
  validator = ajv.compile(schema);
  return validator;
}

/** Schema errors of a card, empty when it is a valid Adaptive Card 1.5. */
export function adaptiveCardErrors(card: unknown): ErrorObject[] {
  const validate = adaptiveCardValidator();
  return validate(card) ? [] : [...(validate.errors ?? [])];
}
