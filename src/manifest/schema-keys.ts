// The keys a manifest object may have at a given path, read from the zod schema itself, so "did you mean …?"
// suggestions can never drift from what the schema accepts.
import { z } from 'zod';
import type { FieldPath } from './field-path.js';

const unwrap = (schema: z.ZodType): z.ZodType => {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  return schema;
};

/** The schema that validates the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: FieldPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root);
  for (const seg of path) {
    if (schema instanceof z.ZodObject) {
      const shape = schema.shape as Record<string, z.ZodType | undefined>;
      schema = shape[String(seg)];
    } else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
    if (schema === undefined) return undefined;
    schema = unwrap(schema);
  }
  return schema;
}

/** The keys the object at `path` accepts (empty when the path is not an object). */
export function keysAt(root: z.ZodType, path: FieldPath): string[] {
  const schema = schemaAt(root, path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
