// src/cli/bin.mjs is the entry point every operator runs, and plain JavaScript (it must run before any TypeScript
// loader exists): `npm test`'s type check and lint cover it like the TypeScript sources.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const BIN = join(root, 'src/cli/bin.mjs');

describe('src/cli/bin.mjs', () => {
  it('is in the type check, with JavaScript checked as strictly as the rest', () => {
    const file = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
    const config = ts.parseJsonConfigFileContent(file.config, ts.sys, root);
    expect(config.fileNames).toContain(BIN);
    expect([config.options.allowJs, config.options.checkJs, config.options.strict]).toEqual([true, true, true]);
  });

  // Whether it passes them is `npm test`'s own `eslint .`; here, that the lint reaches it at all.
  it('is linted with the type-checked rules', async () => {
    const eslint = new ESLint({ cwd: root });
    expect(await eslint.isPathIgnored(BIN)).toBe(false);
    const config = (await eslint.calculateConfigForFile(BIN)) as { rules?: Record<string, unknown> };
    expect(config.rules?.['@typescript-eslint/no-floating-promises']).toEqual([2]);
    expect(config.rules?.['@typescript-eslint/no-unsafe-call']).toEqual([2]);
  });
});
