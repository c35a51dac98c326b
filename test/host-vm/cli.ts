// Boots one test VM by hand and keeps it up until Ctrl-C.
//
//   npx tsx test/host-vm/cli.ts [--disk home:1024] [--disk audit:512] [--nat] [--accel tcg|kvm|auto]
import { bootVm, type BootOptions, type ExtraDisk } from './vm.js';

function parseArgs(argv: string[]): BootOptions {
  const extraDisks: ExtraDisk[] = [];
  const options: BootOptions = { name: 'manual', extraDisks };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--disk') {
      const [id, size] = value().split(':');
      if (!id || !size || !/^\d+$/.test(size)) throw new Error('--disk takes ID:SIZE_MIB, e.g. home:1024');
      extraDisks.push({ id, sizeMiB: Number(size) });
    } else if (arg === '--nat') {
      options.network = 'nat';
    } else if (arg === '--accel') {
      const accel = value();
      if (accel !== 'tcg' && accel !== 'kvm' && accel !== 'auto') throw new Error('--accel takes tcg, kvm or auto');
      options.accel = accel;
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: tsx test/host-vm/cli.ts [--disk ID:SIZE_MIB]... [--nat] [--accel tcg|kvm|auto]');
      process.exit(0);
    } else {
      throw new Error(`unknown argument: ${arg}`);
    }
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const started = Date.now();
console.log('booting (the first run builds the image: several minutes)…');
const vm = await bootVm(options);
const common = `-i ${vm.root.identityFile} -o UserKnownHostsFile=${vm.knownHostsFile} -o IdentitiesOnly=yes -p ${vm.port}`;
console.log(`up in ${Math.round((Date.now() - started) / 1000)} s (accel ${vm.accel}), host key ${vm.hostKeyFingerprint}

  ssh ${common} root@${vm.host}
  ssh ${common} admin@${vm.host}

serial console: ${vm.consoleLog()}
Ctrl-C stops the VM and deletes its disks.`);

// vm.ts kills qemu and removes the work dir on SIGINT/SIGTERM; until then keep the event loop alive.
setInterval(() => undefined, 1 << 30);
