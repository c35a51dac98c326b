// Who vouched for the installed version (the record's `archive`) against who vouches for the new one, decided before
// an upgrade changes anything. A serious installer treats a new signing key like a changed SSH host key: refused
// until the operator says they checked it (--allow-new-signer), naming both key IDs; leaving signed archives for an
// unsigned source needs --allow-unsigned (a stack archive needs it anyway; a manifest file after a signed install
// needs it here); an unsigned install that now comes signed is a notice. apply meets the same rule (gateSigner). Key
// IDs meet in keyIdText's one form. Pure.
import type { Plan, PlanArchive } from '../../engine/plan.js';
import { keyIdText } from '../../manifest/archive/minisign-key.js';
import { parseRecord, stackRecordOf } from '../../state/parse-record.js';
import type { RecordArchive } from '../../state/record-schema.js';
import type { Refusal } from './refusals.js';

/** Where a version came from: a stack archive (signedBy null: --allow-unsigned) or a manifest file / bundled stack. */
export interface SignerSide {
  readonly source: 'archive' | 'manifest';
  readonly signedBy: string | null;
}

export type SignerChangeKind = 'none' | 'same-key' | 'new-key' | 'now-signed' | 'now-unsigned' | 'still-unsigned';

export interface SignerChange {
  readonly kind: SignerChangeKind;
  readonly from: SignerSide;
  readonly to: SignerSide;
  /** The upgrade summary's "signer:" line; null when there is nothing to say (no archive either time). */
  readonly text: string | null;
}

type Signed = Pick<PlanArchive, 'signedBy'> | RecordArchive | undefined;

const sideOf = (a: Signed): SignerSide => (a === undefined ? { source: 'manifest', signedBy: null } : { source: 'archive', signedBy: a.signedBy === null ? null : keyIdText(a.signedBy) });

const unsignedWhat = (s: SignerSide): string => (s.source === 'manifest' ? 'a manifest file' : 'a stack archive whose signature was not checked (--allow-unsigned)');

const kindOf = (from: SignerSide, to: SignerSide): SignerChangeKind => {
  if (from.signedBy !== null && to.signedBy !== null) return from.signedBy === to.signedBy ? 'same-key' : 'new-key';
  if (from.signedBy !== null) return 'now-unsigned';
  if (to.signedBy !== null) return 'now-signed';
  return from.source === 'manifest' && to.source === 'manifest' ? 'none' : 'still-unsigned';
};

const textOf = (kind: SignerChangeKind, from: SignerSide, to: SignerSide): string | null => {
  const was = from.signedBy ?? '';
  const now = to.signedBy ?? '';
  switch (kind) {
    case 'none':
      return null;
    case 'same-key':
      return `signed by key ${now}, the key that signed the installed version`;
    case 'new-key':
      return `signed by key ${now}, a NEW SIGNER: the installed version was signed by key ${was} (accepted with --allow-new-signer); the record keeps ${now} from now on`;
    case 'now-signed':
      return `signed by key ${now}; the installed version was not signed (${unsignedWhat(from)}): the record keeps ${now}, and later upgrades are held to it`;
    case 'now-unsigned':
      return `NOT SIGNED (${unsignedWhat(to)}): the installed version was signed by key ${was} (accepted with --allow-unsigned)`;
    case 'still-unsigned':
      return `not signed (${unsignedWhat(to)}), nor was the installed version (${unsignedWhat(from)})`;
  }
};

/** `previous`: the record's archive (absent: not installed from one); `next`: the verified archive of the new version. */
export const signerChange = (previous: RecordArchive | undefined, next: Signed): SignerChange => {
  const from = sideOf(previous);
  const to = sideOf(next);
  const kind = kindOf(from, to);
  return { kind, from, to, text: textOf(kind, from, to) };
};

export interface SignerAllowances {
  readonly allowNewSigner?: boolean;
  readonly allowUnsigned?: boolean;
}

interface Version {
  readonly stack: string;
  readonly version: string;
}

/**
 * A change the operator must accept by name before anything changes: code, message and what to do; null: none.
 * `command`: how they run it again ("keelson upgrade", "keelson apply").
 */
export const signerRefusal = (c: SignerChange, installed: Version, next: Version, o: SignerAllowances, command = 'keelson upgrade'): Refusal | null => {
  const was = `${installed.stack} ${installed.version} was installed from a stack archive signed by key ${c.from.signedBy ?? ''}`;
  if (c.kind === 'new-key' && o.allowNewSigner !== true) {
    return {
      code: 'signer-changed',
      message: `${was}; this archive of ${next.version} is signed by key ${c.to.signedBy ?? ''}, another key.`,
      remedy: `Nothing was changed. If the vendor moved to a new key, confirm key ${c.to.signedBy ?? ''} with them by a channel other than this archive (keelson verify FILE --trust KEY prints a key's ID), then run ${command} again with --allow-new-signer: the record then keeps the new key. Otherwise do not install this archive.`,
    };
  }
  if (c.kind === 'now-unsigned' && c.to.source === 'manifest' && o.allowUnsigned !== true) {
    return {
      code: 'signer-dropped',
      message: `${was}; a manifest file (${next.stack} ${next.version}) is signed by nobody.`,
      remedy: `Nothing was changed. Use the vendor's signed archive (--stack FILE.keelson --trust KEY), or run ${command} again with --allow-unsigned if you mean to leave signed archives behind (the record then keeps no signer).`,
    };
  }
  return null;
};

/** apply's gate: a plan of a stack the record names meets the same rule as an upgrade (a converging apply too). */
export const gateSigner = (recordText: string | null, plan: Pick<Plan, 'stack' | 'archive'>, o: SignerAllowances): Refusal | null => {
  const entry = stackRecordOf(parseRecord(recordText), plan.stack.name);
  return entry === null ? null : signerRefusal(signerChange(entry.archive, plan.archive), entry, { stack: plan.stack.name, version: plan.stack.version }, o, 'keelson apply');
};
