// Tools answer in JSON (findmnt, lsblk, cryptsetup): their text → the schema's type, or null when it is not JSON of
// that shape (an older tool, no such device). Parsers decide what null means to them.
import type { z } from 'zod';

export const parseJsonAs = <S extends z.ZodType>(schema: S, text: string): z.infer<S> | null => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const r = schema.safeParse(doc);
  return r.success ? r.data : null;
};
