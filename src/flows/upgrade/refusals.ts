// Whether an upgrade may even be planned: the stack must be in a readable record and not marked failed (unless the
// operator clears the mark), and the new manifest may change its version (forward, unless the operator allows a
// downgrade) but not what keelson cannot move in place: the stack's name, its mode, its owner, its data mount; nor
// another signer than the installed version's (signer-change.ts) without the operator's say. Pure; each refusal says
// what to do.
import semver from 'semver';
import type { Manifest } from '../../manifest/schema.js';
import { parseTrustedComment } from '../../manifest/archive/archive-layout.js';
import type { PlanArchive } from '../../engine/plan.js';
import { signerText } from '../../engine/signer-text.js';
import type { RecordFile } from '../../state/parse-record.js';
import type { StackRecord } from '../../state/record-schema.js';
import { failedRefusal } from '../failed-mark.js';
import { signerChange, signerRefusal, type SignerAllowances } from './signer-change.js';

export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly remedy: string;
}

export type Admission = { readonly ok: true; readonly previous: StackRecord } | { readonly ok: false; readonly refusal: Refusal };

const refuse = (code: string, message: string, remedy: string): Admission => ({ ok: false, refusal: { code, message, remedy } });

/** -1, 0 or 1; versions that are not semver are compared by their numbers, then as text. */
export const compareVersions = (a: string, b: string): number => {
  if (semver.valid(a) !== null && semver.valid(b) !== null) return semver.compare(a, b);
  const ca = semver.coerce(a);
  const cb = semver.coerce(b);
  const byNumbers = ca !== null && cb !== null ? semver.compare(ca, cb) : 0;
  return byNumbers !== 0 ? byNumbers : a === b ? 0 : a < b ? -1 : 1;
};

const identityRefusal = (p: StackRecord, m: Manifest): Admission | null => {
  const again = `keelson does not move a stack in place: uninstall ${p.stack} and install it again, or keep the installed value in the new manifest`;
  if (p.mode !== m.mode) return refuse('upgrade-mode-changed', `The new manifest runs ${m.stack} ${m.mode}; it is installed ${p.mode}.`, again);
  const owner = m.mode === 'rootless' ? (m.owner ?? null) : null;
  if (p.owner !== owner) return refuse('upgrade-owner-changed', `The new manifest names the owner ${owner ?? '(none)'}; ${p.stack} is installed for ${p.owner ?? '(none)'}.`, again);
  if (p.dataMount.path !== m.dataMount) return refuse('upgrade-data-mount-changed', `The new manifest puts the data on ${m.dataMount}; it is on ${p.dataMount.path} now.`, `${again} (after moving the data yourself)`);
  return null;
};

export interface AdmitOptions extends SignerAllowances {
  readonly allowDowngrade?: boolean;
  /** The operator read why the stack is marked failed and clears the mark with this run. */
  readonly clearFailed?: boolean;
  /** The verified stack archive the manifest came from: its signed version is the one compared. */
  readonly archive?: Pick<PlanArchive, 'signedBy' | 'trustedComment'>;
}

/** An archive's downgrade names the version its signer vouched for; --allow-unsigned leaves only the manifest's. */
const downgradeRefusal = (previous: StackRecord, m: Manifest, archive: AdmitOptions['archive']): Admission | null => {
  const signed = archive?.trustedComment == null ? null : parseTrustedComment(archive.trustedComment);
  const version = signed?.version ?? m.version;
  if (compareVersions(version, previous.version) >= 0) return null;
  const what = archive === undefined ? 'the manifest' : `the stack archive (${signerText(archive)})`;
  return refuse('downgrade', `${m.stack} ${previous.version} is installed; ${what} is the older ${version}.`, 'Pass --allow-downgrade if you mean it (data written by the newer version may not be readable by the older one).');
};

export const admitUpgrade = (file: RecordFile, m: Manifest, options: AdmitOptions = {}): Admission => {
  if (file.kind === 'newer') return refuse('record-newer', file.why, 'Run the upgrade with that keelson version or a newer one.');
  if (file.kind === 'unreadable') return refuse('record-unreadable', file.why, 'Nothing was changed; fix or restore the record, then run the upgrade again.');
  const installed = file.kind === 'present' ? Object.keys(file.record.stacks) : [];
  const previous = file.kind === 'present' ? file.record.stacks[m.stack] : undefined;
  if (previous === undefined) {
    const others = installed.length === 0 ? '' : ` (installed here: ${installed.join(', ')}; a manifest's stack name must be the installed one)`;
    return refuse('not-installed', `${m.stack} is not installed on this host${others}.`, `not installed: use apply (keelson apply --stack …) for a first install.`);
  }
  const failed = options.clearFailed === true ? null : failedRefusal(previous, 'keelson upgrade');
  if (failed !== null) return { ok: false, refusal: failed };
  const identity = identityRefusal(previous, m);
  if (identity !== null) return identity;
  // Before the version: an archive's signed version means nothing until its signer is the one trusted here.
  const signer = signerRefusal(signerChange(previous.archive, options.archive), previous, m, options);
  if (signer !== null) return { ok: false, refusal: signer };
  const downgrade = options.allowDowngrade === true ? null : downgradeRefusal(previous, m, options.archive);
  return downgrade ?? { ok: true, previous };
};
