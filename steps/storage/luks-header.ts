// A LUKS header as `cryptsetup luksDump` shows it: the text dump for LUKS1 (and the UUID and version of any),
// and `--dump-json-metadata` for LUKS2 (cryptsetup 2.4+). Older cryptsetup without the JSON still gets a
// LUKS2 reading from the text dump.
import { z } from 'zod';
import { parseJsonAs } from '../../src/facts/parse-json.js';

export interface LuksKeyslot {
  readonly id: number;
  /** "argon2id", "argon2i" or "pbkdf2"; null when the dump does not say. */
  readonly kdf: string | null;
  /** Unbound slots hold a key that does not open the data (LUKS2 only). */
  readonly bound: boolean;
}

export interface LuksHeader {
  readonly version: 1 | 2;
  readonly uuid: string | null;
  /** Data cipher as cryptsetup spells it: "aes-xts-plain64". */
  readonly cipher: string | null;
  /** Volume key size in bits: 512 for AES-256 in XTS mode. */
  readonly keyBits: number | null;
  readonly keyslots: readonly LuksKeyslot[];
  /** LUKS2 token types (systemd-tpm2, systemd-fido2, clevis, …). */
  readonly tokens: readonly string[];
}

const field = (text: string, name: string): string | null => {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text);
  return m?.[1]?.trim() ?? null;
};

const intOrNull = (s: string | null | undefined): number | null => (s !== null && s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : null);

/** Lines of one indented block of the LUKS2 text dump ("Keyslots:" … up to the next top-level heading). */
const block = (text: string, heading: string): string => {
  const m = new RegExp(`^${heading}:\\n((?:[ \\t].*\\n?)*)`, 'm').exec(text);
  return m?.[1] ?? '';
};

interface Entry {
  readonly id: number;
  readonly kind: string;
  /** The rest of the entry's first line, e.g. " (unbound)". */
  readonly note: string;
  readonly body: string;
}

/** Splits "  0: luks2\n\tKey: …" into entries. */
const entries = (blockText: string): Entry[] => {
  const out: Entry[] = [];
  for (const part of blockText.split(/^ {2}(?=[0-9]+: )/m)) {
    const m = /^([0-9]+): (\S+)([^\n]*)\n?([\s\S]*)$/.exec(part);
    if (m?.[1] !== undefined && m[2] !== undefined) out.push({ id: Number(m[1]), kind: m[2], note: m[3] ?? '', body: m[4] ?? '' });
  }
  return out;
};

const parseLuks2Text = (text: string, uuid: string | null): LuksHeader => {
  const segment = entries(block(text, 'Data segments')).find((s) => s.kind === 'crypt');
  const slots = entries(block(text, 'Keyslots'));
  const keyBits = slots.map((s) => intOrNull(/^\s*Key:\s*([0-9]+) bits/m.exec(s.body)?.[1])).find((b) => b !== null) ?? null;
  return {
    version: 2,
    uuid,
    cipher: segment === undefined ? null : (/^\s*cipher:\s*(\S+)/m.exec(segment.body)?.[1] ?? null),
    keyBits,
    keyslots: slots
      .filter((s) => s.kind === 'luks2')
      .map((s) => ({ id: s.id, kdf: /^\s*PBKDF:\s*(\S+)/m.exec(s.body)?.[1] ?? null, bound: !s.note.includes('(unbound)') })),
    tokens: entries(block(text, 'Tokens')).map((t) => t.kind),
  };
};

const parseLuks1Text = (text: string, uuid: string | null): LuksHeader => {
  const name = field(text, 'Cipher name');
  const mode = field(text, 'Cipher mode');
  return {
    version: 1,
    uuid,
    cipher: name === null ? null : mode === null ? name : `${name}-${mode}`,
    keyBits: intOrNull(field(text, 'MK bits')),
    // LUKS1 knows only PBKDF2.
    keyslots: [...text.matchAll(/^Key Slot ([0-9]+): ENABLED$/gm)].map((m) => ({ id: Number(m[1]), kdf: 'pbkdf2', bound: true })),
    tokens: [],
  };
};

/** The text dump of either version; null when it is not one (not LUKS, cryptsetup missing). */
export const parseLuksDumpText = (text: string): LuksHeader | null => {
  const version = field(text, 'Version');
  const uuidText = field(text, 'UUID');
  const uuid = uuidText === null || uuidText === '(no UUID)' || uuidText === '' ? null : uuidText;
  if (version === '1') return parseLuks1Text(text, uuid);
  if (version === '2') return parseLuks2Text(text, uuid);
  return null;
};

const sizeish = z.union([z.number(), z.string()]);
const metadataSchema = z.object({
  keyslots: z.record(
    z.string(),
    z.object({ type: z.string(), key_size: z.number().optional(), kdf: z.object({ type: z.string() }).optional() }),
  ),
  segments: z.record(z.string(), z.object({ type: z.string(), encryption: z.string().optional(), offset: sizeish.optional() })),
  digests: z.record(z.string(), z.object({ keyslots: z.array(z.string()).default([]), segments: z.array(z.string()).default([]) })),
  tokens: z.record(z.string(), z.object({ type: z.string() })).default({}),
});

/** LUKS2 JSON metadata on top of the text dump's version and UUID (the JSON carries neither). */
export const parseLuks2Metadata = (json: string, uuid: string | null): LuksHeader | null => {
  const m = parseJsonAs(metadataSchema, json);
  if (m === null) return null;
  const segment = Object.entries(m.segments)
    .filter(([, s]) => s.type === 'crypt')
    .sort(([a], [b]) => Number(a) - Number(b))[0];
  // A keyslot opens the data when a digest ties it to a segment.
  const bound = new Set(Object.values(m.digests).filter((d) => d.segments.length > 0).flatMap((d) => d.keyslots));
  const slots = Object.entries(m.keyslots)
    .filter(([, k]) => k.type === 'luks2')
    .map(([id, k]) => ({ id: Number(id), kdf: k.kdf?.type ?? null, bound: bound.has(id), keySize: k.key_size }))
    .sort((a, b) => a.id - b.id);
  const keySize = slots.find((s) => s.bound && s.keySize !== undefined)?.keySize ?? slots.find((s) => s.keySize !== undefined)?.keySize;
  return {
    version: 2,
    uuid,
    cipher: segment?.[1].encryption ?? null,
    keyBits: keySize === undefined ? null : keySize * 8,
    keyslots: slots.map(({ id, kdf, bound: b }) => ({ id, kdf, bound: b })),
    tokens: Object.values(m.tokens).map((t) => t.type),
  };
};

/** The header from what the probe printed: the JSON when it is there and readable, else the text dump. */
export const parseLuksHeader = (textDump: string, jsonDump: string | null): LuksHeader | null => {
  const fromText = parseLuksDumpText(textDump);
  if (fromText?.version !== 2 || jsonDump === null) return fromText;
  return parseLuks2Metadata(jsonDump, fromText.uuid) ?? fromText;
};
