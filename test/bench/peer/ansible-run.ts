// ansible-playbook on the workstation against a test VM, over the system OpenSSH client (Ansible's own default:
// ControlMaster with ControlPersist 60 s), as root with the VM's key and pinned host key. Pipelining on or off
// by ANSIBLE_PIPELINING; everything else as Ansible ships it, in a temp dir of its own (control sockets, local tmp).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_BUSYBOX_IMAGE } from '../../../src/apply/busybox-image.js';
import type { Vm } from '../../host-vm/vm.js';

export const PLAYBOOK = join(import.meta.dirname, 'playbook.yml');

/** The playbook's modules are ansible.builtin and containers.podman: ansible-core alone lacks the second. Checked
 * before any VM boots, so a missing collection costs seconds, not the minutes of a prepared state. */
export const checkAnsible = (): void => {
  let listed = '';
  try {
    listed = execFileSync('ansible-galaxy', ['collection', 'list', 'containers.podman'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    // Not installed at all, or no such collection: both answered below.
  }
  if (!/^containers\.podman\s+\d/m.test(listed)) {
    throw new Error('bench:peer needs ansible-playbook with the containers.podman collection: apt-get install ansible (Debian packages the collection with it; ansible-core alone does not have it), then run it again.');
  }
};

export interface Recap {
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
  readonly unreachable: number;
}

/** "keelson-vm : ok=31 changed=24 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0" → the numbers. */
export const parseRecap = (output: string): Recap | null => {
  const m = /^\S+\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m.exec(output.split('PLAY RECAP').at(-1) ?? '');
  if (m === null) return null;
  return { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) };
};

const inventory = (vm: Vm): string =>
  [
    '[vm]',
    [
      'keelson-vm',
      `ansible_host=${vm.host}`,
      `ansible_port=${vm.port}`,
      'ansible_user=root',
      `ansible_ssh_private_key_file=${vm.root.identityFile}`,
      // Named, as a playbook for a known fleet does: interpreter discovery would cost round trips of its own.
      'ansible_python_interpreter=/usr/bin/python3',
      `ansible_ssh_common_args="-F /dev/null -o UserKnownHostsFile=${vm.knownHostsFile} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"`,
    ].join(' '),
    '',
  ].join('\n');

export interface AnsibleResult {
  readonly ms: number;
  readonly recap: Recap;
  readonly output: string;
}

/** One ansible-playbook run; throws with its output when a task failed or the recap is missing. */
export const runPlaybook = async (vm: Vm, o: { pipelining: boolean; check?: boolean }): Promise<AnsibleResult> => {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-peer-'));
  try {
    await writeFile(join(dir, 'inventory.ini'), inventory(vm));
    await writeFile(join(dir, 'empty.cfg'), '[defaults]\n');
    await writeFile(join(dir, 'busybox-image.sh'), `#!/bin/sh\n${BUILD_BUSYBOX_IMAGE}\n`, { mode: 0o755 });
    const env = {
      ...process.env,
      // Only what is set here: no ansible.cfg of the workstation's (cwd, ~, /etc) changes the peer.
      ANSIBLE_CONFIG: join(dir, 'empty.cfg'),
      ANSIBLE_PIPELINING: o.pipelining ? 'true' : 'false',
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, 'cp'),
      ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
      ANSIBLE_HOST_KEY_CHECKING: 'true',
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_TIMEOUT: '120',
    };
    const args = ['-i', join(dir, 'inventory.ini'), '-e', `busybox_script=${join(dir, 'busybox-image.sh')}`, ...(o.check === true ? ['--check'] : []), PLAYBOOK];
    const t0 = performance.now();
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn('ansible-playbook', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      child.on('error', reject);
      child.on('close', (c) => { resolve({ code: c ?? -1, output: out }); });
    });
    const ms = performance.now() - t0;
    const recap = parseRecap(output);
    if (code !== 0 || recap === null || recap.failed > 0 || recap.unreachable > 0) throw new Error(`ansible-playbook (pipelining ${o.pipelining}) exit ${code}:\n${output.slice(-6000)}`);
    return { ms, recap, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
