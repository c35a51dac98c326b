// Python for Ansible's modules, into a VM whose image has none (its package list stays as it is: changing it would
// rebuild everyone's image). The workstation's apt resolves python3 against the guest's own dpkg status and trixie's
// archive, downloads only the packages the guest lacks, and the guest installs them with dpkg -i. The guest itself
// reaches no network. The downloads are kept per status digest, so the next run downloads nothing.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Vm } from '../../host-vm/vm.js';

const run = promisify(execFile);
const CACHE = process.env.KEELSON_BENCH_CACHE ?? '/var/tmp/keelson-bench-peer';

/** The archive the guest's image came from: the mirror build-image.sh bootstraps trixie from. */
const mirror = (): string => {
  if (process.env.KEELSON_VM_MIRROR) return process.env.KEELSON_VM_MIRROR;
  const script = readFileSync(join(import.meta.dirname, '../../host-vm/build-image.sh'), 'utf8');
  const m = /^MIRROR="\$\{KEELSON_VM_MIRROR:-([^}]+)\}"/m.exec(script);
  if (m?.[1] === undefined) throw new Error('test/host-vm/build-image.sh names no MIRROR default: set KEELSON_VM_MIRROR');
  return m[1];
};

/** apt on the workstation, in a tree of its own: the guest's status, trixie's lists, nothing of the host's. */
const apt = (root: string, args: readonly string[]) =>
  run('apt-get', [
    '-o', `Dir::Etc::SourceList=${join(root, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', 'Dir::Etc::Preferences=/dev/null',
    '-o', 'Dir::Etc::PreferencesParts=/dev/null',
    '-o', `Dir::State=${join(root, 'state')}`,
    '-o', `Dir::State::status=${join(root, 'status')}`,
    '-o', `Dir::Cache=${join(root, 'cache')}`,
    '-o', 'APT::Architecture=amd64',
    '-o', 'APT::Install-Recommends=false',
    '-o', 'Debug::NoLocking=true',
    ...args,
  ], { maxBuffer: 64 << 20 });

/** The .deb files the guest needs for python3, downloaded once per guest status. */
const debsFor = async (status: string): Promise<string> => {
  const root = join(CACHE, createHash('sha256').update(status).digest('hex').slice(0, 16));
  const archives = join(root, 'cache', 'archives');
  if (existsSync(join(root, 'done'))) return archives;
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, 'state', 'lists', 'partial'), { recursive: true });
  await mkdir(join(archives, 'partial'), { recursive: true });
  await writeFile(join(root, 'status'), status);
  await writeFile(join(root, 'sources.list'), `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror()} trixie main\n`);
  await apt(root, ['update']);
  await apt(root, ['install', '--download-only', '-y', 'python3']);
  await writeFile(join(root, 'done'), '');
  return archives;
};

/** Installs python3 into the guest; returns the packages installed. Throws if python3 does not run afterwards. */
export const installGuestPython = async (vm: Vm): Promise<string[]> => {
  const archives = await debsFor(await vm.sshOk('cat /var/lib/dpkg/status'));
  const debs = readdirSync(archives).filter((f) => f.endsWith('.deb'));
  if (debs.length === 0) throw new Error(`apt found nothing to download for python3 in ${archives}: is it installed in the guest already?`);
  const tar = await run('tar', ['-C', archives, '-cf', '-', ...debs], { encoding: 'buffer', maxBuffer: 256 << 20 });
  await vm.sshOk('rm -rf /var/tmp/py && mkdir /var/tmp/py && tar -C /var/tmp/py -xf -', { input: tar.stdout });
  // dpkg -i takes the files in name order: python3-minimal meets its pre-dependency (python3.13-minimal) unpacked but
  // not configured, and python3 then meets python3-minimal so; each pass configures what the next one needs.
  const dpkg = 'DEBIAN_FRONTEND=noninteractive dpkg -i /var/tmp/py/*.deb >/var/tmp/py/dpkg.log 2>&1';
  await vm.sshOk(`${dpkg} || ${dpkg} || ${dpkg} || { tail -n 30 /var/tmp/py/dpkg.log >&2; exit 1; }; rm -rf /var/tmp/py`, { timeoutMs: 15 * 60_000 });
  const version = (await vm.sshOk('/usr/bin/python3 --version')).trim();
  return [version, ...debs];
};
