// A signed stack archive on a real host with no registry (the run's "prepared" state): the demo's image is built on
// the VM from its static busybox the way the demo builds it today, saved by the VM's own `podman save` and brought to
// the workstation; keelson keygen and pack make the archive there. apply --stack demo.keelson --trust KEY installs it
// healthy, the units run exactly the ID Podman gave the image, and the record names the signer. The same archive with
// one byte changed is refused before anything reaches the host: /etc, the owner's ~/.config and /var/lib/keelson are
// hashed before and after. Every claim about the host is read from inside the VM over the harness's own SSH.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_BUSYBOX_IMAGE } from '../../src/apply/busybox-image.js';
import { shQuote } from '../host-vm/vm.js';
import { keelsonCli, REPO_ROOT, type CliOptions } from './support/keelson-cli.js';
import { DEMO_GREETING, DEMO_UNITS, pageOf, useVmFrom } from './support/prepared-states.js';
import { useTimings } from './support/timings.js';

const SLOW = 30 * 60_000;
const timer = useTimings(import.meta.url);
const IMAGE = 'localhost/keelson-demo:1';
const USER = 'systemctl --user -M keelson-demo@';
const Q = '/home/keelson-demo/.config/containers/systemd';
const podman = (args: string) => `runuser -u keelson-demo -- sh -c 'cd; XDG_RUNTIME_DIR=/run/user/$(id -u) podman ${args}'`;
// Every file's path, mode, owner and sha256 under the places an apply would touch.
const HOST_FILES = `for d in /etc /home/keelson-demo/.config /var/lib/keelson; do find "$d" -xdev \\( -type f -o -type l -o -type d \\) -printf '%p %m %U:%G %y\\n'; done | sort; find /etc /home/keelson-demo/.config /var/lib/keelson -xdev -type f -print0 | sort -z | xargs -0 sha256sum`;

describe('a signed stack archive of the demo, installed on a host without a registry', () => {
  const theVm = useVmFrom('prepared', 'archive', timer);
  const sh = (cmd: string) => theVm().sshOk(cmd, { timeoutMs: 10 * 60_000 });
  const keelson = (args: string[], o: CliOptions = {}) => keelsonCli(theVm(), args, { timer, ...o });
  const dir = mkdtempSync(join(tmpdir(), 'keelson-archive-e2e-'));
  const archive = join(dir, 'demo.keelson');
  let imageId = '';
  let keyId = '';

  beforeAll(async () => {
    // Root's storage on the VM, not the owner's: the owner (made by keelson's apply) starts without the image.
    await timer.time('wait', 'build and podman save the busybox image on the VM', async () => {
      await sh(`sh -c ${shQuote(BUILD_BUSYBOX_IMAGE)} build /bin/busybox ${IMAGE}`);
      imageId = (await sh(`podman image inspect --format '{{.Id}}' ${IMAGE}`)).trim();
      await sh(`podman save --format docker-archive -o /root/demo.tar ${IMAGE}`);
    });
    const tar = Buffer.from((await sh('base64 -w0 /root/demo.tar')).trim(), 'base64');
    await sh(`rm /root/demo.tar && podman rmi ${IMAGE}`);
    mkdirSync(join(dir, 'stack', 'images'), { recursive: true });
    writeFileSync(join(dir, 'stack', 'images', 'demo.tar'), tar);
    const manifest = readFileSync(join(REPO_ROOT, 'assets', 'stacks', 'demo', 'manifest.yaml'), 'utf8').replaceAll('    imageBuild: busybox\n', '    imageFile: images/demo.tar\n');
    writeFileSync(join(dir, 'stack', 'manifest.yaml'), manifest);
    const keygen = await keelson(['keygen', '--out', join(dir, 'vendor'), '--unencrypted'], { target: false });
    expect(keygen.code, keygen.stderr).toBe(0);
    keyId = readFileSync(join(dir, 'vendor.pub'), 'utf8').split('\n')[0]?.split(' ').pop() ?? '';
    const pack = await keelson(['pack', join(dir, 'stack'), '--key', join(dir, 'vendor.key'), '--out', archive], { target: false });
    expect(pack.code, pack.stderr).toBe(0);
    expect(pack.stderr).toContain(`ID ${imageId}`);
  }, SLOW);

  it('apply --stack demo.keelson --trust KEY --yes: healthy, the units run the loaded image ID, the record names the signer', async () => {
    expect(imageId).toMatch(/^[a-f0-9]{64}$/);
    const r = await keelson(['apply', '--stack', archive, '--trust', join(dir, 'vendor.pub'), '--yes'], { label: 'apply --stack demo.keelson' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`from the stack archive's images/demo.tar`);
    expect((await sh(`${USER} is-active ${DEMO_UNITS} | sort -u`)).trim()).toBe('active');
    expect(await pageOf(theVm(), 18080, 2 * 60_000)).toContain(`<h1>${DEMO_GREETING}</h1>`);
    const images = (await sh(`grep -h '^Image=' ${Q}/*.container | sort -u`)).trim();
    expect(images).toBe(`Image=${imageId}`);
    for (const c of ['web', 'api']) expect((await sh(podman(`inspect ${c} --format {{.Image}}`))).trim()).toBe(imageId);
    const rec = JSON.parse(await sh('cat /var/lib/keelson/state.json')) as { stacks: Record<string, { archive?: { signedBy: string | null; trustedComment: string | null } }> };
    expect(rec.stacks.demo?.archive?.signedBy).toBe(keyId);
    expect(rec.stacks.demo?.archive?.trustedComment).toMatch(/^keelson-archive\/1 stack:demo version:1\.0\.0 built:/);
    const status = await keelson(['status'], { label: 'status' });
    expect(status.stdout).toContain(`installed from a stack archive signed by key ${keyId} (keelson-archive/1 stack:demo version:1.0.0 built:`);
    expect(status.stdout).toMatch(/^ {6}web\.service {2}active\/running, [0-9]+ restarts?, container healthy$/m);
  }, SLOW);

  it('the same stack signed by another key: upgrade and apply refused naming both key IDs; upgrade --check --allow-new-signer shows it and changes nothing; then accepted, the record keeps the new key', async () => {
    const other = join(dir, 'other');
    expect((await keelson(['keygen', '--out', other, '--unencrypted'], { target: false })).code).toBe(0);
    const otherId = readFileSync(`${other}.pub`, 'utf8').split('\n')[0]?.split(' ').pop() ?? '';
    const rekeyed = join(dir, 'demo-other.keelson');
    const pack = await keelson(['pack', join(dir, 'stack'), '--key', `${other}.key`, '--out', rekeyed], { target: false });
    expect(pack.code, pack.stderr).toBe(0);
    const before = await sh(HOST_FILES);
    const refused = await keelson(['upgrade', '--stack', rekeyed, '--trust', `${other}.pub`, '--check', '--json'], { label: 'upgrade --check, another signer' });
    expect(refused.code, refused.stderr).toBe(3);
    expect((JSON.parse(refused.stdout) as { refusal: { code: string } }).refusal.code).toBe('signer-changed');
    expect(refused.stderr).toContain(`signed by key ${keyId}; this archive of 1.0.0 is signed by key ${otherId}, another key.`);
    const applied = await keelson(['apply', '--stack', rekeyed, '--trust', `${other}.pub`, '--yes'], { label: 'apply --yes, another signer' });
    expect(applied.code, applied.stderr).toBe(3);
    expect(applied.stderr).toContain(`keelson: apply refused: demo 1.0.0 was installed from a stack archive signed by key ${keyId}; this archive of 1.0.0 is signed by key ${otherId}`);
    const allowed = await keelson(['upgrade', '--stack', rekeyed, '--trust', `${other}.pub`, '--check', '--allow-new-signer'], { label: 'upgrade --check --allow-new-signer' });
    expect(allowed.code, allowed.stderr).toBe(4);
    expect(allowed.stdout).toContain(`  signer: signed by key ${otherId}, a NEW SIGNER: the installed version was signed by key ${keyId}`);
    // plan says the same before any apply: a blocker without the flag, a warning with it; neither changes the host.
    const planned = await keelson(['plan', '--stack', rekeyed, '--trust', `${other}.pub`, '--json'], { label: 'plan, another signer' });
    expect(planned.code, planned.stderr).toBe(3);
    const findings = (out: string) => (JSON.parse(out) as { steps: { findings: { code: string; severity: string }[] }[] }).steps.flatMap((st) => st.findings).filter((f) => f.code === 'signer-changed');
    expect(findings(planned.stdout).map((f) => f.severity)).toEqual(['blocker']);
    const planAllowed = await keelson(['plan', '--stack', rekeyed, '--trust', `${other}.pub`, '--allow-new-signer', '--json'], { label: 'plan --allow-new-signer' });
    expect(planAllowed.code, planAllowed.stderr).toBe(0);
    expect(findings(planAllowed.stdout).map((f) => f.severity)).toEqual(['warning']);
    expect(await sh(HOST_FILES)).toBe(before);

    // Accepted for real: the record then names the new signer, and a later upgrade is held to it.
    const upgraded = await keelson(['upgrade', '--stack', rekeyed, '--trust', `${other}.pub`, '--allow-new-signer', '--yes'], { label: 'upgrade --yes --allow-new-signer' });
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const rec = JSON.parse(await sh('cat /var/lib/keelson/state.json')) as { stacks: Record<string, { archive?: { signedBy: string | null } }> };
    expect(rec.stacks.demo?.archive?.signedBy).toBe(otherId);
    const back = await keelson(['upgrade', '--stack', archive, '--trust', join(dir, 'vendor.pub'), '--check'], { label: 'upgrade --check, the first signer again' });
    expect(back.code).toBe(3);
    expect(back.stderr).toContain(`signed by key ${otherId}; this archive of 1.0.0 is signed by key ${keyId}, another key.`);
  }, SLOW);

  it('the same archive with one byte changed is refused (check: checksum) and nothing on the host changed', async () => {
    const bytes = readFileSync(archive);
    // The middle of the file is inside images/demo.tar, the one large entry.
    const at = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);
    const tampered = join(dir, 'tampered.keelson');
    writeFileSync(tampered, bytes);
    const before = await sh(HOST_FILES);
    const r = await keelson(['apply', '--stack', tampered, '--trust', join(dir, 'vendor.pub'), '--yes'], { label: 'apply tampered archive' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refused (check: checksum)');
    expect(r.stderr).toContain('images/demo.tar does not match its sha256');
    expect(r.stderr).toContain('nothing was unpacked or sent to a host');
    expect(await sh(HOST_FILES)).toBe(before);
  }, SLOW);
});
