// The Target screen's own states: choosing, typing an SSH destination, connecting, a host key to judge, an error.
import { parseTarget } from '../../src/cli/parse-target.js';
import type { HostKeyPrompt, TargetSpec } from '../controller.js';
import type { ErrorText } from '../common/error-text.js';
import type { OperatorInputs } from '../../src/host/host-error.js';

/** The form's two fields, as the screen labels them and as error remedies name them. */
export const DESTINATION_FIELD = 'SSH destination';
export const KEY_FILE_FIELD = 'Private key file';

/** What a connection error tells the operator to change, said in the wizard's own terms (not its flags). */
export const WIZARD_INPUTS: OperatorInputs = {
  keyFile: `the "${KEY_FILE_FIELD}" field`,
  hostAddress: `the "${DESTINATION_FIELD}" field, user@host:port`,
  connectTimeout: 'start keelson with --connect-timeout SECONDS',
};

export type TargetMode =
  | { readonly kind: 'choose' }
  | { readonly kind: 'form'; readonly field: 0 | 1 }
  | { readonly kind: 'connecting'; readonly spec: TargetSpec; readonly startedAt: number; readonly phase: 'connect' | 'journal' }
  | { readonly kind: 'hostkey'; readonly spec: TargetSpec; readonly key: HostKeyPrompt }
  | { readonly kind: 'error'; readonly spec: TargetSpec; readonly error: ErrorText };

/** Checked as the operator types; null when the destination is usable. */
export const destinationProblem = (text: string): string | null => {
  if (text.trim() === '') return 'type user@host, user@host:port or user@[ipv6]:port';
  try {
    parseTarget(text.trim());
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/^--host /, '') : String(e);
  }
};

export const specFromForm = (destination: string, identity: string): TargetSpec => {
  const key = identity.trim();
  return key === '' ? { kind: 'ssh', destination: destination.trim() } : { kind: 'ssh', destination: destination.trim(), identity: key };
};

export const describeTarget = (spec: TargetSpec): string =>
  spec.kind === 'local' ? 'this machine' : `${spec.destination}${spec.identity === undefined ? '' : ` (key ${spec.identity})`}`;
