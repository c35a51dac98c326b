// A zod issue path as an operator would write it: containers[0].publish[1], env.DB_HOST, env["X-Y"].
import { showValue } from './show-value.js';

export type FieldPath = readonly PropertyKey[];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${String(seg)}]`;
    else {
      const key = String(seg);
      if (IDENT.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${showValue(key)}]`;
    }
  }
  return out;
}
