// A keelson that takes the apply lock and then waits to be killed (host-lock.test.ts kills it with SIGKILL).
import { acquireApplyLock, holderFor } from '../../../src/apply/host-lock.js';
import { createLocalHost } from '../../../src/host/local-host.js';

const path = process.argv[2] ?? '';
await acquireApplyLock(createLocalHost(), holderFor('run-killed', 'demo'), path);
process.stdout.write('held\n');
setInterval(() => undefined, 1000);
