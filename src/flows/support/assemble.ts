// A support bundle from what one round trip answered: the allowlisted files (collect-list.ts), doctor's report, the
// record, a README saying what was collected, redacted and left out; all redacted (redact.ts) before they are packed.
// Returns the bytes, the secrets to scan the finished bundle for, and the pseudonym map (for the workstation only).
// Pure: the caller reads the host and writes the files.
import type { ProbeOutput } from '../../facts/fact.js';
import type { RecordView } from '../doctor/record-view.js';
import type { DoctorReport } from '../doctor/run-doctor.js';
import { tarGz } from './bundle-archive.js';
import { bundleFiles, MAX_FILE_BYTES, MAX_TOTAL_BYTES, type BundleFile } from './bundle-files.js';
import { JOURNAL_LINES, JOURNAL_SINCE, type CollectItem } from './collect-list.js';
import { humanAccounts, makePseudonyms, type PseudonymEntry } from './pseudonyms.js';
import { makeRedactor } from './redact.js';
import type { SecretValue } from './secret-forms.js';

export const BUNDLE_FORMAT = 'keelson-support/1';

export interface BundleInput {
  readonly items: readonly CollectItem[];
  readonly answers: ReadonlyMap<string, ProbeOutput>;
  readonly record: RecordView;
  readonly recordText: string | null;
  readonly doctor: DoctorReport;
  /** The host as the operator named it (--host), besides the names the host gives itself. */
  readonly target: string | null;
  readonly keelsonVersion: string;
  readonly at: Date;
}

export type SecretsRead = { readonly ok: true; readonly secrets: SecretValue[] } | { readonly ok: false; readonly message: string };

/** The values of the stack's secrets, as Podman gave them; a secret Podman could not read stops the bundle. */
export const secretsOf = (items: readonly CollectItem[], answers: ReadonlyMap<string, ProbeOutput>): SecretsRead => {
  const secrets: SecretValue[] = [];
  for (const i of items.filter((it) => it.secret !== undefined)) {
    const o = answers.get(i.fact.id);
    const name = i.secret ?? '';
    if (o !== undefined && o.exitCode === 0) secrets.push({ name, value: o.stdout.replace(/\n$/, '') });
    else if (!/no such secret/i.test(o?.stderr ?? '')) {
      return { ok: false, message: `the value of secret ${name} could not be read to redact it (${(o?.stderr ?? 'no answer').trim() || `exit ${o?.exitCode ?? '?'}`}): no bundle was made; keelson doctor says what is wrong with Podman` };
    }
  }
  return { ok: true, secrets };
};

const stackAccounts = (r: RecordView): string[] => (r.kind === 'present' ? r.stacks.flatMap((s) => [...(s.owner === null ? [] : [s.owner]), ...s.users.map((u) => u.name)]) : []);
const answerOf = (items: readonly CollectItem[], answers: ReadonlyMap<string, ProbeOutput>, file: string): string =>
  answers.get(items.find((i) => i.file === file)?.fact.id ?? '')?.stdout ?? '';

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

const readme = (host: string, i: BundleInput, files: ReturnType<typeof bundleFiles>, counts: { secrets: number; patterns: number }, secretNames: readonly string[]): string => [
  `${BUNDLE_FORMAT}: a support bundle made by keelson ${i.keelsonVersion} at ${i.at.toISOString()} for ${host}.`,
  '',
  'Collected (read-only, one round trip): doctor.json, record.json, each stack\'s managed files and their drop-ins,',
  `systemctl show and status of its units, each unit's journal (since ${JOURNAL_SINCE}, at most ${JOURNAL_LINES} lines),`,
  "podman ps/images and the allowlisted fields of podman inspect (never a container's environment), versions.",
  `Bounds: ${MAX_FILE_BYTES} bytes a file, ${MAX_TOTAL_BYTES} bytes in all.`,
  '',
  `Redacted: ${counts.secrets} occurrence(s) of the values of ${secretNames.length === 0 ? 'no secrets (the record names none)' : secretNames.join(', ')} (as is, base64,`,
  `URL-encoded, JSON-escaped) shown as <secret:NAME>; ${counts.patterns} value(s) by pattern (private keys, bearer tokens,`,
  'password-like NAME=value) shown as <redacted>. Host names, addresses, MAC addresses and user names are',
  'pseudonyms (host-1, ip4-1, user-1, …); the map to the real names stays with the operator who made the bundle.',
  ...(files.truncated.length === 0 ? [] : ['', `Cut at the file cap: ${files.truncated.join(', ')}`]),
  ...(files.left.length === 0 ? [] : ['', `Left out at the total cap: ${files.left.join(', ')}`]),
  '',
].join('\n');

export interface Bundle {
  /** The bundle's top directory and its default file name (both carry the host's pseudonym, not its name). */
  readonly name: string;
  readonly bytes: Buffer;
  readonly map: readonly PseudonymEntry[];
}

export const assembleBundle = async (i: BundleInput, secrets: readonly SecretValue[]): Promise<Bundle> => {
  const hosts = [...answerOf(i.items, i.answers, 'host names: replaced by pseudonyms').split('\n'), ...(i.target === null ? [] : [i.target])];
  const users = humanAccounts(answerOf(i.items, i.answers, 'user names: accounts in the human range replaced by pseudonyms'), stackAccounts(i.record));
  const pseudonyms = makePseudonyms(hosts, users);
  const redactor = makeRedactor(secrets, pseudonyms);
  const host = pseudonyms.apply(hosts[0]?.trim() || 'host');
  const extra: BundleFile[] = [
    { name: 'doctor.json', text: `${JSON.stringify(i.doctor, null, 2)}\n` },
    { name: 'record.json', text: i.recordText ?? '# no record: keelson deployed nothing on this host\n' },
  ];
  const collected = bundleFiles(extra, i.items, i.answers);
  const redacted = collected.files.map((f) => ({ name: redactor.redact(f.name), text: redactor.redact(f.text) }));
  const name = `keelson-support-${host}-${stamp(i.at)}`;
  const files = [{ name: 'README.txt', text: redactor.redact(readme(host, i, collected, redactor.counts, secrets.map((s) => s.name))) }, ...redacted];
  return { name, bytes: await tarGz(name, files, i.at), map: pseudonyms.entries() };
};
