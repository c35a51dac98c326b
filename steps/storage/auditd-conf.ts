// /etc/audit/auditd.conf: "name = value" lines, "#" comments. auditd reads names and action values without
// regard to case, and a later line overrides an earlier one. Edits change only the keys they must and keep
// every other line (and comment) of the operator's file as it was.

/** The effective settings: lower-case name → value as written (last occurrence wins, as in auditd). */
export const parseAuditdConf = (text: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[1].toLowerCase(), m[2]);
  }
  return out;
};

export type AuditKey = 'disk_full_action' | 'disk_error_action' | 'admin_space_left_action' | 'space_left_action';

interface Rule {
  readonly key: AuditKey;
  /** Values that meet the rule, upper-case. */
  readonly accept: readonly string[];
  /** What keelson writes when the current value does not. */
  readonly want: string;
  /** Why, for the operator: what happens with the current value. */
  readonly why: string;
}

// CDR Link: the instance shuts down when there is no space left for audit records, so an attacker cannot
// silence the trail by filling the disk. SINGLE (single-user mode) also stops the services and is accepted.
export const AUDIT_RULES: readonly Rule[] = [
  { key: 'disk_full_action', accept: ['HALT', 'SINGLE'], want: 'HALT', why: 'when the audit filesystem is full, records are lost while the host keeps running' },
  { key: 'disk_error_action', accept: ['HALT', 'SINGLE'], want: 'HALT', why: 'when writing audit records fails, the host keeps running unaudited' },
  { key: 'admin_space_left_action', accept: ['HALT', 'SINGLE'], want: 'HALT', why: 'at the last safety margin the host keeps running until records are lost' },
  // A warning step before the halt; IGNORE and SUSPEND give none (SUSPEND even stops recording).
  { key: 'space_left_action', accept: ['SYSLOG', 'EMAIL', 'EXEC', 'ROTATE', 'SINGLE', 'HALT'], want: 'SYSLOG', why: 'nobody is warned before the audit filesystem runs out' },
];

export interface AuditChange {
  readonly key: AuditKey;
  /** null when the file does not set it (auditd's built-in default applies). */
  readonly from: string | null;
  readonly to: string;
  readonly why: string;
}

/** The settings that differ from the rules; empty when the file already complies (nothing to plan). */
export const auditChanges = (settings: ReadonlyMap<string, string>): AuditChange[] =>
  AUDIT_RULES.flatMap((rule) => {
    const current = settings.get(rule.key) ?? null;
    // "EXEC /path" and "exec /path": the action is the first word.
    const action = current?.split(/\s+/)[0]?.toUpperCase() ?? null;
    return action !== null && rule.accept.includes(action) ? [] : [{ key: rule.key, from: current, to: rule.want, why: rule.why }];
  });

/**
 * The file with each change applied: every line that sets the key is rewritten in place (auditd needs spaces
 * around "="); a key the file does not set yet is appended at the end under one comment.
 */
export const editAuditdConf = (text: string, changes: readonly AuditChange[]): string => {
  const want = new Map(changes.map((c) => [c.key as string, c.to]));
  const done = new Set<string>();
  const lines = text.split('\n');
  const edited = lines.map((line) => {
    const m = /^\s*([A-Za-z0-9_]+)\s*=/.exec(line);
    const key = m?.[1];
    const value = key === undefined ? undefined : want.get(key.toLowerCase());
    if (key === undefined || value === undefined) return line;
    done.add(key.toLowerCase());
    return `${key} = ${value}`;
  });
  const missing = changes.filter((c) => !done.has(c.key));
  if (missing.length === 0) return edited.join('\n');
  const body = edited.join('\n');
  const sep = body === '' || body.endsWith('\n') ? '' : '\n';
  const added = ['# keelson: halt rather than lose audit records', ...missing.map((c) => `${c.key} = ${c.to}`)];
  return `${body}${sep}${added.join('\n')}\n`;
};

/** space_left / admin_space_left: "75" is MiB, "25%" a share of the filesystem. In bytes; null if unreadable. */
export const thresholdBytes = (value: string | undefined, fsSizeBytes: number | null): number | null => {
  if (value === undefined) return null;
  const pct = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(value.trim());
  if (pct?.[1] !== undefined) return fsSizeBytes === null ? null : Math.floor((fsSizeBytes * Number(pct[1])) / 100);
  const mib = /^([0-9]+)$/.exec(value.trim());
  return mib?.[1] === undefined ? null : Number(mib[1]) * 1024 * 1024;
};
