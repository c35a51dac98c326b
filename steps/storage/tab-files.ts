// /etc/crypttab and /etc/fstab: what opens and mounts at boot. Whitespace-separated fields, "#" comments,
// and (fstab) octal escapes such as \040 for a space in a path.

export interface CrypttabEntry {
  /** The dm name: /dev/mapper/NAME. */
  readonly name: string;
  /** "UUID=…", "PARTUUID=…", "LABEL=…" or a device path. */
  readonly source: string;
  /** A key file path; null for "none", "-" or an absent field (the passphrase is asked at boot). */
  readonly keyFile: string | null;
  readonly options: readonly string[];
}

export interface FstabEntry {
  readonly source: string;
  readonly target: string;
  readonly fstype: string;
  readonly options: readonly string[];
}

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

const fieldsOf = (text: string): string[][] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/).map(unescape));

const optionList = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(',').filter((o) => o !== ''));

export const parseCrypttab = (text: string): CrypttabEntry[] =>
  fieldsOf(text).flatMap(([name, source, key, options]) =>
    name === undefined || source === undefined
      ? []
      : [{ name, source, keyFile: key === undefined || key === 'none' || key === '-' ? null : key, options: optionList(options) }],
  );

export const parseFstab = (text: string): FstabEntry[] =>
  fieldsOf(text).flatMap(([source, target, fstype, options]) =>
    source === undefined || target === undefined
      ? []
      : [{ source, target: target.length > 1 ? target.replace(/\/+$/, '') : target, fstype: fstype ?? 'auto', options: optionList(options) }],
  );

/** The option's value ("keyfile-timeout=10s" → "10s"), true for a bare flag, undefined when absent. */
export const option = (options: readonly string[], name: string): string | true | undefined => {
  for (const o of options) {
    if (o === name) return true;
    if (o.startsWith(`${name}=`)) return o.slice(name.length + 1);
  }
  return undefined;
};

/** The text with one line added, keeping a final newline (a file without one gets one first). */
export const appendLine = (text: string | null, line: string): string => {
  const base = text ?? '';
  return `${base}${base === '' || base.endsWith('\n') ? '' : '\n'}${line}\n`;
};
