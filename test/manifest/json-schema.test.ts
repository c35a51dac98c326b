// The JSON Schema `keelson schema` prints: plain JSON an editor can load, describing the manifest's fields.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { manifestJsonSchema } from '../../src/manifest/json-schema.js';

type Json = Record<string, unknown>;
const schema = JSON.parse(JSON.stringify(manifestJsonSchema())) as Json;
const properties = schema.properties as Record<string, Json>;

const patterns = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(patterns);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'pattern' && typeof v === 'string' ? [v] : patterns(v)));
};

describe('manifestJsonSchema', () => {
  it('is valid JSON with $schema, a title and properties.containers', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toMatch(/keelson/);
    expect(properties.containers).toMatchObject({ type: 'array', minItems: 1 });
  });

  it('requires only what has no default, and forbids unknown keys', () => {
    expect(schema.required).toEqual(['stack', 'version', 'mode', 'containers']);
    expect(schema.additionalProperties).toBe(false);
    const container = (properties.containers as { items: Json }).items;
    expect(container.additionalProperties).toBe(false);
    expect(container.required).toEqual(['name', 'image', 'user']);
  });

  it('carries defaults and descriptions for editors', () => {
    expect(properties.dataMount).toMatchObject({ default: '/home', description: expect.stringMatching(/LUKS/) as unknown });
    const container = (properties.containers as { items: { properties: Record<string, Json> } }).items;
    expect(container.properties.migration).toMatchObject({ type: 'boolean', description: expect.stringMatching(/^With runOnce: a migration/) as unknown });
  });

  it('has only patterns an ECMAScript validator accepts in unicode mode', () => {
    const all = patterns(schema);
    expect(all.length).toBeGreaterThan(10);
    for (const p of all) expect(() => new RegExp(p, 'u')).not.toThrow();
  });

  it('knows every top-level key the demo manifest uses', () => {
    const demoPath = fileURLToPath(new URL('../../assets/stacks/demo/manifest.yaml', import.meta.url));
    const demo = parse(readFileSync(demoPath, 'utf8')) as Json;
    for (const key of Object.keys(demo)) expect(Object.keys(properties)).toContain(key);
  });
});
