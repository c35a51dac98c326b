// A finding is what a step's check says about the host: how bad, why, and what to type to fix it.

export type Severity = 'blocker' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  /** Stable identifier for tests and for silencing in answers files, e.g. "podman-too-old". */
  readonly code: string;
  /** One line: what is wrong (or right) and why it matters. */
  readonly message: string;
  /** What the operator can do, ideally a command to copy. Empty for info. */
  readonly remedy: string;
}

export const blocker = (code: string, message: string, remedy: string): Finding => ({ severity: 'blocker', code, message, remedy });
export const warning = (code: string, message: string, remedy: string): Finding => ({ severity: 'warning', code, message, remedy });
export const info = (code: string, message: string): Finding => ({ severity: 'info', code, message, remedy: '' });

const ORDER: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };

/** Blockers first: the operator reads what stops them before what merely informs. */
export const sortFindings = (findings: readonly Finding[]): Finding[] =>
  [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
