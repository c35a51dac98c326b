// Records what real storage commands print on the test VM, for the storage step's parser tests.
//
//   npx tsx test/host-vm/record-storage-fixtures.ts [plain-home|luks2-home-audit-disk|luks1-home]...
//
// One VM per scenario; outputs go to test/fixtures/storage/<scenario>/, one file per command, plus
// commands.json (command, exit code, stderr per file). The README there says what each scenario is.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGuestScript } from './guest-scripts.js';
import { bootVm, type ExtraDisk, type Vm } from './vm.js';

const fixturesRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'storage');

// Test-only passphrase for throwaway VM disks; it reaches the guest on stdin only.
const PASSPHRASE = 'keelson-fixture-passphrase\n';

interface Scenario {
  name: string;
  disks: ExtraDisk[];
  /** The LUKS device whose header is dumped, if any. */
  luksDevice?: string;
  luks2?: boolean;
  setup(vm: Vm): Promise<void>;
  /** Checked after a reboot, when given: the layout must come back by itself. */
  afterReboot?(vm: Vm): Promise<void>;
}

const HOME_DISK = '/dev/disk/by-id/virtio-home';
const AUDIT_DISK = '/dev/disk/by-id/virtio-audit';

async function expectMounted(vm: Vm, target: string, source: string): Promise<void> {
  const got = (await vm.sshOk(`findmnt -n -o SOURCE --target ${target}`)).trim();
  if (got !== source) throw new Error(`after reboot ${target} is on ${got}, expected ${source}`);
}

const scenarios: Scenario[] = [
  {
    name: 'plain-home',
    disks: [],
    setup: async () => {
      // The image as built: /home and /var/log/audit are directories on the root filesystem.
    },
  },
  {
    name: 'luks2-home-audit-disk',
    disks: [
      { id: 'home', sizeMiB: 1024 },
      { id: 'audit', sizeMiB: 512 },
    ],
    luksDevice: HOME_DISK,
    luks2: true,
    setup: async (vm) => {
      await runGuestScript(
        vm,
        'setup-luks.sh',
        ['--device', HOME_DISK, '--name', 'home_crypt', '--mount', '/home', '--key-file', '/etc/cryptsetup-keys.d/home_crypt.key'],
        { input: PASSPHRASE },
      );
      await runGuestScript(vm, 'setup-ext4-mount.sh', ['--device', AUDIT_DISK, '--mount', '/var/log/audit', '--label', 'audit']);
    },
    afterReboot: async (vm) => {
      await expectMounted(vm, '/home', '/dev/mapper/home_crypt');
      await expectMounted(vm, '/var/log/audit', (await vm.sshOk(`readlink -f ${AUDIT_DISK}`)).trim());
      await vm.sshOk('systemctl is-active auditd');
    },
  },
  {
    name: 'luks1-home',
    disks: [{ id: 'home', sizeMiB: 1024 }],
    luksDevice: HOME_DISK,
    luks2: false,
    setup: async (vm) => {
      // No key file: crypttab says `none`, as on a host whose operator types the passphrase at boot.
      await runGuestScript(vm, 'setup-luks.sh', ['--device', HOME_DISK, '--name', 'home_crypt', '--mount', '/home', '--luks1'], {
        input: PASSPHRASE,
      });
    },
  },
];

interface Recorded {
  file: string;
  command: string;
  exitCode: number;
  stderr: string;
}

async function record(vm: Vm, scenario: Scenario): Promise<Recorded[]> {
  const commands: [file: string, command: string][] = [
    ['findmnt.json', 'findmnt -J -o SOURCE,TARGET,FSTYPE,OPTIONS,UUID'],
    ['findmnt-target-home.json', 'findmnt -J -T /home'],
    ['findmnt-target-var-log-audit.json', 'findmnt -J -T /var/log/audit'],
    ['lsblk.json', 'lsblk -J -o NAME,KNAME,PATH,TYPE,FSTYPE,UUID,MOUNTPOINT,PKNAME'],
    ['crypttab', 'cat /etc/crypttab'],
    ['fstab', 'cat /etc/fstab'],
    ['auditd.conf', 'cat /etc/audit/auditd.conf'],
    ['df-var-log-audit.txt', 'df -B1 --output=size,avail,target /var/log/audit'],
    ['systemctl-is-active-auditd.txt', 'systemctl is-active auditd'],
    ['dpkg-query-systemd-cryptsetup.txt', "dpkg-query -W -f='${Status}' systemd-cryptsetup"],
  ];
  if (scenario.luksDevice) {
    // Dump the kernel name (/dev/vdb), as a parser would meet it in lsblk's PATH column.
    const dev = (await vm.sshOk(`readlink -f ${scenario.luksDevice}`)).trim();
    if (scenario.luks2) commands.push(['luksdump-home.json', `cryptsetup luksDump --dump-json-metadata ${dev}`]);
    commands.push(['luksdump-home.txt', `cryptsetup luksDump ${dev}`]);
  }
  const dir = join(fixturesRoot, scenario.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const recorded: Recorded[] = [];
  for (const [file, command] of commands) {
    const r = await vm.ssh(command);
    await writeFile(join(dir, file), r.stdout);
    recorded.push({ file, command, exitCode: r.code, stderr: r.stderr });
  }
  const meta = {
    scenario: scenario.name,
    image: { key: vm.image.key, kernel: `${vm.image.kernelPackage} ${vm.image.kernelVersion}` },
    guest: {
      osRelease: (await vm.sshOk('. /etc/os-release && echo "$PRETTY_NAME"')).trim(),
      cryptsetup: (await vm.sshOk('cryptsetup --version')).trim(),
      utilLinux: (await vm.sshOk('findmnt --version')).trim(),
    },
    commands: recorded,
  };
  await writeFile(join(dir, 'commands.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return recorded;
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);

for (const scenario of scenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const t0 = Date.now();
  const vm = await bootVm({ name: `fixtures-${scenario.name}`, extraDisks: scenario.disks });
  try {
    const booted = Date.now();
    await vm.sshOk('systemctl is-system-running --wait || true');
    await scenario.setup(vm);
    const setUp = Date.now();
    const recorded = await record(vm, scenario);
    console.log(
      `${scenario.name}: boot ${Math.round((booted - t0) / 1000)} s, setup ${Math.round((setUp - booted) / 1000)} s, ` +
        `${recorded.length} files (${recorded.filter((r) => r.exitCode !== 0).map((r) => r.file).join(', ') || 'all exit 0'})`,
    );
    if (scenario.afterReboot) {
      const r0 = Date.now();
      await vm.reboot();
      await scenario.afterReboot(vm);
      console.log(`${scenario.name}: came back after reboot in ${Math.round((Date.now() - r0) / 1000)} s with its mounts`);
    }
  } finally {
    await vm.stop();
  }
}
