// Rootless Quadlet units wait for the system's network-online.target: a user manager cannot pull a system target in,
// so Podman adds podman-user-wait-network-online.service, which polls for it for up to 90 s and then fails. On a host
// where nothing wants network-online.target at boot (systemd-networkd with no unit asking for it, as Debian leaves
// it), every start and every boot of the stack pays those 90 s and leaves a failed unit behind: the first thing an
// operator paged at night would see. keelson makes multi-user.target want it (a drop-in of ours) and reaches it now.
import type { Fact } from '../../src/facts/fact.js';
import { parseUnitStates } from '../../src/facts/unit-states.js';
import type { Action } from '../../src/engine/action.js';
import { info, warning, type Finding } from '../../src/engine/finding.js';
import type { Manifest } from '../../src/manifest/schema.js';
import type { TextFile } from '../storage/facts.js';

export const NETWORK_ONLINE = 'network-online.target';
export const NETWORK_ONLINE_DROP_IN = '/etc/systemd/system/multi-user.target.d/keelson-network-online.conf';
export const NETWORK_ONLINE_DROP_IN_CONTENT = `# Managed by keelson. Rootless Podman units wait up to 90 s for ${NETWORK_ONLINE}
# (podman-user-wait-network-online.service); nothing else on this host wanted it at boot.
[Unit]
Wants=${NETWORK_ONLINE}
`;

/** ActiveState of network-online.target now; "" when systemd could not be asked. */
export const networkOnlineFact: Fact<string> = {
  id: 'network-online-state',
  probe: { argv: ['systemctl', 'show', '-p', 'Id', '-p', 'ActiveState', '--', NETWORK_ONLINE] },
  parse: (o) => (o.exitCode === 0 ? (parseUnitStates(o.stdout)[0]?.active ?? '') : ''),
  // A rootful stack or a service started since the plan may reach it: not a reason to refuse a saved plan.
  volatile: true,
};

export interface NetworkOnlineFacts {
  readonly networkOnline: string;
  readonly networkOnlineDropIn: TextFile;
}

const ours = (facts: NetworkOnlineFacts) => facts.networkOnlineDropIn.kind === 'present' && facts.networkOnlineDropIn.content === NETWORK_ONLINE_DROP_IN_CONTENT;

// With our drop-in in place, boot reaches the target: just after a reboot it may still be on its way (the wait-online
// service takes up to 2 min), which is no reason to plan anything.
const needed = (facts: NetworkOnlineFacts, m: Manifest) => m.mode === 'rootless' && facts.networkOnline !== 'active' && !ours(facts);

export const checkNetworkOnline = (facts: NetworkOnlineFacts, m: Manifest): Finding[] => {
  if (m.mode !== 'rootless') return [];
  if (!needed(facts, m)) {
    return [
      info(
        'network-online-ok',
        facts.networkOnline === 'active'
          ? `${NETWORK_ONLINE} is reached on this host: rootless units start without waiting for it.`
          : `${NETWORK_ONLINE} is ${facts.networkOnline || 'unknown'} now, and ${NETWORK_ONLINE_DROP_IN} makes boot reach it.`,
      ),
    ];
  }
  if (facts.networkOnlineDropIn.kind === 'unreadable') {
    return [
      warning(
        'network-online-drop-in-unreadable',
        `${NETWORK_ONLINE} is ${facts.networkOnline || 'unknown'} and ${NETWORK_ONLINE_DROP_IN} could not be read (${facts.networkOnlineDropIn.why}): each start of a rootless unit may wait 90 s for it.`,
        `Check the file (ls -l ${NETWORK_ONLINE_DROP_IN}); keelson starts ${NETWORK_ONLINE} now but leaves the file alone.`,
      ),
    ];
  }
  return [
    info(
      'network-online-planned',
      `${NETWORK_ONLINE} is ${facts.networkOnline || 'unknown'}: nothing on this host wants it at boot, so each start of a rootless unit would wait 90 s for it and leave podman-user-wait-network-online.service failed. keelson adds ${NETWORK_ONLINE_DROP_IN} (multi-user.target wants it) and starts it now.`,
    ),
  ];
};

export const planNetworkOnline = (facts: NetworkOnlineFacts, m: Manifest): Action[] => {
  if (!needed(facts, m)) return [];
  const file = facts.networkOnlineDropIn;
  const write: Action[] =
    file.kind === 'unreadable'
      ? []
      : [
          {
            kind: 'file.write',
            description: `${NETWORK_ONLINE_DROP_IN}: multi-user.target wants ${NETWORK_ONLINE} at every boot`,
            path: NETWORK_ONLINE_DROP_IN,
            content: NETWORK_ONLINE_DROP_IN_CONTENT,
            mode: '0644',
            owner: 'root',
            group: 'root',
            before: file.kind === 'present' ? file.content : null,
          },
          { kind: 'systemd.daemon-reload', description: 'reload the system manager (it reads the drop-in)', target: { scope: 'system' } },
        ];
  return [
    ...write,
    // systemd-networkd-wait-online (or the distribution's equivalent) runs now, at most its own timeout, once.
    { kind: 'systemd.unit', description: `reach ${NETWORK_ONLINE} now`, target: { scope: 'system' }, verb: 'start', unit: NETWORK_ONLINE },
  ];
};
