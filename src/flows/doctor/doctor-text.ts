// The doctor's report as text: failures first with their evidence and remedies, then warnings, then one line per
// check that is fine. Pure; whatever the host printed is shown, never obeyed by the terminal.
import { visibleText } from '../../engine/visible-text.js';
import { worstFirst, type CheckStatus } from './check.js';
import type { DoctorReport } from './run-doctor.js';

const TAG: Record<CheckStatus, string> = { fail: 'FAIL', warn: 'warn', ok: 'ok  ' };

export const doctorText = (r: DoctorReport): string => {
  const { ok, warn, fail } = r.counts;
  const lines = [
    `keelson doctor on ${r.host}: ${fail} failing, ${warn} warning, ${ok} ok — ${r.stacks.length === 0 ? 'no stack deployed' : `stacks ${r.stacks.join(', ')}`} (${r.roundTrips} round trip${r.roundTrips === 1 ? '' : 's'}, ${(r.elapsedMs / 1000).toFixed(1)} s)`,
  ];
  for (const c of worstFirst(r.checks)) {
    lines.push(`${TAG[c.status]} ${c.id}  ${c.summary}`);
    if (c.status === 'ok') continue;
    for (const e of c.evidence) lines.push(`       ${e}`);
    for (const fix of c.remedy) lines.push(`     → ${fix}`);
  }
  if (fail > 0) lines.push('Doctor changed nothing on the host: the commands after → are for you to run.');
  return visibleText(`${lines.join('\n')}\n`);
};
