// The record's text → what keelson may use of it. Format 1 is migrated forward in memory (written as 2 by the next
// apply); a format this keelson does not know is refused (a newer keelson wrote it); anything else is corrupt.
import type { Host } from '../host/host.js';
import { hostRecordSchema, hostRecordV1Schema, RECORD_FORMAT, RECORD_FORMAT_V1, RECORD_PATH, type HostRecord, type StackRecord } from './record-schema.js';

export type RecordFile =
  | { readonly kind: 'absent' }
  | { readonly kind: 'present'; readonly record: HostRecord; readonly migratedFrom?: typeof RECORD_FORMAT_V1 }
  /** Written by a keelson that knows a later format: this one must not rewrite it. */
  | { readonly kind: 'newer'; readonly format: string; readonly why: string }
  | { readonly kind: 'unreadable'; readonly why: string };

const migrateV1 = (doc: unknown): HostRecord | null => {
  const r = hostRecordV1Schema.safeParse(doc);
  if (!r.success) return null;
  const stacks: Record<string, StackRecord> = {};
  for (const [name, s] of Object.entries(r.data.stacks)) stacks[name] = { ...s, manifest: null, manifestDigest: null, answers: null, history: [], failed: null };
  return { format: RECORD_FORMAT, stacks };
};

const formatOf = (doc: unknown): string | null =>
  typeof doc === 'object' && doc !== null && typeof (doc as { format?: unknown }).format === 'string' ? (doc as { format: string }).format : null;

/** Pure. `file` names the record in every message, so the operator knows what to look at. */
export const parseRecord = (text: string | null, file: string = RECORD_PATH): RecordFile => {
  if (text === null) return { kind: 'absent' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', why: `${file} is not JSON (edited by hand, or cut short): restore it from /var/lib/keelson/backups or move it aside and run "keelson apply" to write it again` };
  }
  const format = formatOf(doc);
  if (format === RECORD_FORMAT_V1) {
    const migrated = migrateV1(doc);
    return migrated === null ? { kind: 'unreadable', why: `${file} is not a valid ${RECORD_FORMAT_V1} record: restore it from a backup or move it aside and run "keelson apply"` } : { kind: 'present', record: migrated, migratedFrom: RECORD_FORMAT_V1 };
  }
  if (format !== null && format !== RECORD_FORMAT && /^keelson-state\/[0-9]+$/.test(format) && Number(format.split('/')[1]) > 2) {
    return { kind: 'newer', format, why: `${file} was written by a newer keelson (format ${format}; this keelson reads up to ${RECORD_FORMAT}): use that keelson version or newer, nothing was changed` };
  }
  const r = hostRecordSchema.safeParse(doc);
  if (r.success) return { kind: 'present', record: r.data };
  const issue = r.error.issues[0];
  const where = issue === undefined ? '' : ` at ${issue.path.join('.') || 'the top'}: ${issue.message}`;
  return { kind: 'unreadable', why: `${file} is not a valid ${RECORD_FORMAT} record${where}: restore it from a backup or move it aside and run "keelson apply"` };
};

/** One stack's entry, when the record is readable and has it. */
export const stackRecordOf = (file: RecordFile, stack: string): StackRecord | null => (file.kind === 'present' ? (file.record.stacks[stack] ?? null) : null);

/** Reads the record from the host (one round trip) and parses it. */
export const readRecord = async (host: Host, path: string = RECORD_PATH): Promise<RecordFile> => {
  const f = await host.readFile(path);
  return parseRecord(f.kind === 'present' ? f.content : null, path);
};
