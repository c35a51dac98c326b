// A host where an upgrade of the demo 1.1.0 to 1.2.0 failed and so did its rollback: the record marked failed by
// the run r-bad, as runUpgrade marks it (withRun, the code under test for the record's format).
import { parseRecord, stackRecordOf } from '../../src/state/parse-record.js';
import { withRun } from '../../src/state/stack-record.js';
import { loadStack } from '../steps/quadlet/fixtures.js';
import { deployedHost, type DeployedHost } from './deployed-host.js';

export const REASON = 'the upgrade to 1.2.0 failed (wait) and its rollback failed too (put back web.container: Operation not permitted)';

export const failedHost = (): DeployedHost => {
  const ok = deployedHost(loadStack('demo-1.1.0'), { greeting: 'Hi', motto: 'Go' });
  const note = { stack: 'demo', kind: 'upgrade' as const, from: '1.1.0', to: '1.2.0', outcome: 'failed' as const };
  const recordText = withRun(parseRecord(ok.recordText), note, 'r-bad', '2026-01-03T00:00:00.000Z', REASON) ?? '';
  const previous = stackRecordOf(parseRecord(recordText), 'demo');
  if (previous === null) throw new Error('no record');
  return { facts: { ...ok.facts, state: { kind: 'present', content: recordText } }, recordText, previous };
};

