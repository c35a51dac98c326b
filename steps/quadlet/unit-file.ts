// A systemd unit file as data: sections of key=value lines, written in one canonical layout so the same input
// always gives the same bytes (the header hash and idempotent plans depend on it). Values arrive already quoted
// for their key (see systemd-quote.ts); this module only refuses what would change the file's meaning.
import { QuoteError, assertOneLine } from './systemd-quote.js';

export type UnitEntry = readonly [key: string, value: string];

export interface UnitSection {
  readonly name: string;
  readonly entries: readonly UnitEntry[];
}

const SECTION = /^[A-Za-z][A-Za-z0-9-]*$/;
const KEY = /^[A-Za-z][A-Za-z0-9]*$/;

const checkValue = (section: string, key: string, value: string): void => {
  assertOneLine(value, `[${section}] ${key}=`);
  // systemd strips blanks around a value, and a trailing backslash joins the next line onto this one.
  if (value !== value.trim()) throw new QuoteError(`[${section}] ${key}= starts or ends with blanks, which systemd would drop: quote it`);
  if (value.endsWith('\\')) throw new QuoteError(`[${section}] ${key}= ends with a backslash, which systemd reads as a line continuation: quote it`);
};

/** Sections in the order given, one blank line between them, a final newline. Empty sections are left out. */
export const renderUnit = (sections: readonly UnitSection[]): string =>
  sections
    .filter((s) => s.entries.length > 0)
    .map((s) => {
      if (!SECTION.test(s.name)) throw new QuoteError(`"${s.name}" is not a unit file section name`);
      const lines = s.entries.map(([key, value]) => {
        if (!KEY.test(key)) throw new QuoteError(`"${key}" is not a unit file key`);
        checkValue(s.name, key, value);
        return `${key}=${value}`;
      });
      return `[${s.name}]\n${lines.join('\n')}\n`;
    })
    .join('\n');
