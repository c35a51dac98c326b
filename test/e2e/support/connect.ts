// keelson's own SSH transport to a test VM as root, as an operator's `--host root@… --identity …` would open it.
import { openHost } from '../../../src/cli/open-host.js';
import type { Host } from '../../../src/host/host.js';
import type { Vm } from '../../host-vm/vm.js';

/** A VM under software emulation, busy starting a stack, can take longer than keelson's 20 s for a handshake. */
const HANDSHAKE_SECONDS = '120';

export const connectRoot = (v: Vm): Promise<Host> =>
  openHost({ host: `root@${v.host}:${v.port}`, identity: v.root.identityFile, knownHosts: v.knownHostsFile, connectTimeout: HANDSHAKE_SECONDS });
