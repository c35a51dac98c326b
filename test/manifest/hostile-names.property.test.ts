// Property: a name-like field holding a newline or any of ; $ ` " ' is refused, and the error names that field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseManifest } from '../../src/manifest/load-manifest.js';

const hostile = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('\n', ';', '$', '`', '"', "'"), fc.string({ unit: 'binary', maxLength: 12 }))
  .map(([before, bad, after]) => before + bad + after);

// A valid manifest as an object; each case puts the hostile string in one field and serialises it with the yaml
// library, so the string reaches the loader exactly as generated, however odd.
const valid = () => ({
  stack: 'shop',
  version: '1.0.0',
  mode: 'rootless',
  owner: 'shop',
  groups: [{ name: 'shop-clients' }],
  sockets: [{ dir: '/run/shop', owner: 'shop', group: 'shop-clients', mode: '0770' }],
  containers: [{ name: 'web', image: 'localhost/shop:1', user: '1000:1000' }],
});

type Valid = ReturnType<typeof valid>;
const fields: [string, (m: Valid, s: string) => void][] = [
  ['stack', (m, s) => { m.stack = s; }],
  ['containers[0].name', (m, s) => { (m.containers[0] ?? { name: '' }).name = s; }],
  ['groups[0].name', (m, s) => { (m.groups[0] ?? { name: '' }).name = s; }],
  ['sockets[0].dir', (m, s) => { (m.sockets[0] ?? { dir: '' }).dir = s; }],
];

describe('hostile strings in name-like fields', () => {
  it('the unmodified manifest is valid (so a refusal below is about the field)', () => {
    expect(parseManifest(stringify(valid()), 'p.yaml').ok).toBe(true);
  });

  it.each(fields)('%s refuses any string with a newline or ; $ ` " \'', (path, set) => {
    fc.assert(
      fc.property(hostile, (value) => {
        const m = valid();
        set(m, value);
        const r = parseManifest(stringify(m), 'p.yaml');
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
      }),
      // The counterexample seed 1271194114 found: a U+FFFD in the field was once refused as "not UTF-8" with no path.
      { numRuns: 300, examples: [['\n\uFFFD']] },
    );
  });
});
