// What apply tells the wizard, on its way to the screen: every event into the log and on to the screen redacted
// (a command's output may echo a secret), and a secret to show once (a generated LUKS key) to the screen alone.
import type { ApplyEvent } from '../apply/apply-plan.js';
import type { Reveal } from '../../screens/controller.js';
import type { Redactor } from './wizard-redactor.js';

export interface ApplyChannelOptions {
  readonly log: (line: string) => void;
  readonly redactor: Redactor;
  /** Actions in the plan, for "[3/24]". */
  readonly total: number;
  readonly onEvent: (event: ApplyEvent) => void;
  readonly onReveal?: (reveal: Reveal) => void;
}

export const applyChannels = (o: ApplyChannelOptions) => {
  const forward = (e: ApplyEvent) => {
    const label = `apply [${e.index + 1}/${o.total}]`;
    switch (e.type) {
      case 'start':
        o.log(`${label} ${e.action.description}`);
        break;
      case 'line':
        o.log(`${label}   | ${e.line}`);
        break;
      case 'end':
        o.log(`${label} ${e.result === 'skipped' ? 'already so' : 'done'} in ${Math.round(e.ms)} ms`);
        break;
      case 'failed':
        o.log(`${label} FAILED: ${e.error}`);
        break;
    }
    // What a command prints reaches the screen redacted too (a container may echo its environment).
    if (e.type === 'line') o.onEvent({ ...e, line: o.redactor.redact(e.line) });
    else if (e.type === 'failed') o.onEvent({ ...e, error: o.redactor.redact(e.error) });
    else o.onEvent(e);
  };
  // A generated key goes to the screen only, remembered by the redactor first: should it ever reach a line (a
  // command's output, an error), the log and the screen show <secret:luks-key> instead.
  const reveal = (message: string, secret: string) => {
    o.redactor.remember({ 'luks-key': secret });
    o.log(`apply: ${message.replace(/:$/, '')} (shown on the screen only, not in this log)`);
    o.onReveal?.({ message, secret });
  };
  return { forward, reveal };
};
