// The secrets an operator gives for a stack's asked secrets: --secrets FILE (owner-only, as the README says) and
// KEELSON_SECRET_<NAME> variables. Values never reach a log, a plan or a command line.
import { statWorkstationPath, readWorkstationText } from '../host/workstation-files.js';
import { visibleValue } from '../engine/visible-text.js';
import type { Manifest } from '../manifest/schema.js';
import { UsageError } from './exit-codes.js';
import { parseValuesFile } from './values-file.js';

export interface SecretAnswers {
  readonly values: Record<string, string>;
  /** Names the secrets file gave (checked against the stack once it is known), and the stack it says it is for. */
  readonly fromFile: { readonly file: string; readonly names: readonly string[]; readonly stack: string | undefined } | null;
}

/**
 * Secrets: a YAML file `secrets: { id: value }` that only its owner can read (0600, as the README says), then
 * KEELSON_SECRET_<ID> variables. Never logged; values are text exactly as written, or an error.
 */
export const loadSecretAnswers = async (file: string | undefined, env: NodeJS.ProcessEnv, uid = process.getuid?.()): Promise<SecretAnswers> => {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^KEELSON_SECRET_([A-Z0-9_]+)$/.exec(k);
    if (m?.[1] !== undefined && v !== undefined) values[m[1].toLowerCase().replaceAll('_', '-')] = v;
  }
  if (file === undefined) return { values, fromFile: null };
  const st = await statWorkstationPath(file);
  if (st === null) throw new UsageError(`--secrets ${file}: no such file`);
  if (st.kind !== 'file') throw new UsageError(`--secrets ${file} is not a file: name the secrets file`);
  if ((st.mode & 0o077) !== 0) {
    throw new UsageError(`--secrets ${file} can be read or written by others (mode ${st.mode.toString(8).padStart(4, '0')}): chmod 600 ${file}, and change the secrets if others may have read them`);
  }
  if (uid !== undefined && st.uid !== uid) {
    throw new UsageError(`--secrets ${file} belongs to UID ${String(st.uid)}, not to you (UID ${String(uid)}): use a secrets file of your own (chown it, or copy it and chmod 600)`);
  }
  const text = await readWorkstationText(file);
  if (text === null) throw new UsageError(`--secrets ${file}: no such file`);
  const parsed = parseValuesFile(text, file, 'secrets');
  return { values: { ...values, ...parsed.values }, fromFile: { file, names: Object.keys(parsed.values), stack: parsed.stack } };
};

/** Names in the secrets file must be secrets this stack asks for: a typo would otherwise be ignored silently. */
export const checkSecretNames = (secrets: SecretAnswers, manifest: Pick<Manifest, 'stack' | 'secrets'>): void => {
  const f = secrets.fromFile;
  if (f === null) return;
  if (f.stack !== undefined && f.stack !== manifest.stack) throw new UsageError(`${f.file}: this secrets file is for stack "${f.stack}", not "${manifest.stack}"`);
  const asked = manifest.secrets.filter((s) => s.ask !== undefined).map((s) => s.name);
  for (const name of f.names) {
    if (asked.includes(name)) continue;
    const generated = manifest.secrets.some((s) => s.name === name);
    throw new UsageError(`${f.file}: secrets.${visibleValue(name)} is ${generated ? 'generated on the host, not asked' : `not a secret stack ${manifest.stack} asks for`}${asked.length > 0 ? ` (it asks for: ${asked.join(', ')})` : ''}: remove it`);
  }
};
