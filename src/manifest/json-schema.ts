// The manifest's JSON Schema for editors (yaml-language-server: `# yaml-language-server: $schema=…`), printed by
// `keelson schema`. It describes what may be written (io: 'input'), so fields with defaults are optional.
// Cross-field rules (declared networks, rootReason, duplicates) live in the schema's superRefine and have no
// JSON Schema form: editors check shape and patterns, `keelson plan` checks the rest.
import { z } from 'zod';
import { manifestSchema } from './schema.js';

export function manifestJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(manifestSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // A refinement has no JSON Schema form; keep the base type instead of refusing to print anything.
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'keelson stack manifest',
    description: 'A container stack that keelson deploys as Podman Quadlet units. Unknown keys are errors.',
    ...withoutKeys(generated, ['$schema']),
  };
}

const withoutKeys = (o: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
