// The deployment record's format: what keelson deployed on a host, per stack (/var/lib/keelson/state.json). The one
// place that says where it lives, what it holds and which formats keelson reads. Format 2 added the canonical manifest
// and its digest, the answers, a short history of runs and the failed flag; format 1 is read and brought forward.
import { z } from 'zod';
import { RUN_ID } from '../engine/action.js';

export const RECORD_PATH = '/var/lib/keelson/state.json';
export const RECORD_FORMAT = 'keelson-state/2';
export const RECORD_FORMAT_V1 = 'keelson-state/1';
/** How many runs a stack's history keeps (newest last). */
export const HISTORY_LIMIT = 20;

const v1Fields = {
  stack: z.string(),
  version: z.string(),
  mode: z.enum(['rootless', 'rootful']),
  owner: z.string().nullable(),
  keelson: z.string(),
  dataMount: z.looseObject({ path: z.string(), luksUuid: z.string().nullable() }),
  top: z.string(),
  files: z.array(z.looseObject({ path: z.string(), sha256: z.string() })),
  users: z.array(z.looseObject({ name: z.string(), uid: z.number(), gid: z.number(), home: z.string() })),
  groups: z.array(z.looseObject({ name: z.string(), gid: z.number() })),
  secrets: z.array(z.string()),
  images: z.array(z.string()),
};

export const runKindSchema = z.enum(['install', 'upgrade', 'apply', 'rollback', 'uninstall']);
export type RunKind = z.infer<typeof runKindSchema>;

export const historyEntrySchema = z.looseObject({
  runId: z.string(),
  kind: runKindSchema,
  from: z.string().nullable(),
  to: z.string(),
  outcome: z.enum(['ok', 'rolled-back', 'failed']),
  at: z.string(),
  /** The failed mark this run cleared (--clear-failed): its reason and since when, kept for whoever reads later. */
  cleared: z.string().optional(),
  /** An upgrade that exported volumes: the run whose directory holds them (backupDirFor); a resumed run names the first. */
  backupRunId: z.string().regex(RUN_ID).optional(),
  /** When a later upgrade removed that directory (backup-retention.ts). */
  backupPruned: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * The stack archive the deployed manifest came from (--stack FILE.keelson): the key that signed it and the comment it
 * signed, or signedBy null when its signature was not checked (--allow-unsigned). Absent: a manifest file or a bundled
 * stack. No workstation path: the same archive applied from another directory is the same deployment.
 */
export const recordArchiveSchema = z.looseObject({
  /** sha256 of the archive's SHA256SUMS: names exactly what was installed. */
  sumsSha256: z.string(),
  /** The signing key's id as minisign prints it; null: --allow-unsigned. */
  signedBy: z.string().nullable(),
  trustedComment: z.string().nullable(),
});
export type RecordArchive = z.infer<typeof recordArchiveSchema>;

export const stackRecordSchema = z.looseObject({
  ...v1Fields,
  /** The manifest as deployed, canonical JSON (keys sorted; secrets are names and rules, never values). Null: migrated from format 1. */
  manifest: z.unknown().nullable(),
  manifestDigest: z.string().nullable(),
  /** The answers to the stack's questions (never secrets, never keelson.* options). Null: migrated from format 1. */
  answers: z.record(z.string(), z.string()).nullable(),
  history: z.array(historyEntrySchema),
  /** Set when a rollback itself failed: apply and upgrade refuse until the operator clears it. */
  failed: z.looseObject({ reason: z.string(), at: z.string(), runId: z.string() }).nullable(),
  /**
   * The image ID each of the stack's images was when the record was written (ref → 64 hex digits): a re-pulled or
   * rebuilt tag shows as a different ID (doctor). Absent: a record written before keelson kept them.
   */
  imageIds: z.record(z.string(), z.string()).optional(),
  /** Written only for a stack installed from an archive, so a record of any other install keeps its bytes. */
  archive: recordArchiveSchema.optional(),
});
export type StackRecord = z.infer<typeof stackRecordSchema>;

/**
 * A stack keelson uninstalled: its entry left `stacks` (so doctor, status, apply and upgrade see it as not installed),
 * its history stays here, ending with the uninstall, and comes back into the entry when the stack is installed again.
 */
export const uninstalledSchema = z.looseObject({ stack: z.string(), version: z.string(), purged: z.boolean(), history: z.array(historyEntrySchema) });
export type Uninstalled = z.infer<typeof uninstalledSchema>;

export const hostRecordSchema = z.looseObject({
  format: z.literal(RECORD_FORMAT),
  stacks: z.record(z.string(), stackRecordSchema),
  uninstalled: z.record(z.string(), uninstalledSchema).optional(),
});
export type HostRecord = z.infer<typeof hostRecordSchema>;

export const hostRecordV1Schema = z.looseObject({ format: z.literal(RECORD_FORMAT_V1), stacks: z.record(z.string(), z.looseObject(v1Fields)) });
