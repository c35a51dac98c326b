// The support bundle's pure parts as data: what is collected from the record the test VM kept after keelson installed
// the demo (test/fixtures/hosts/demo-installed.json), the redaction of secrets by value and by pattern, pseudonyms,
// and the final scan of a finished bundle (unpacked here with tar-stream, not keelson's own reader).
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildGatherScript } from '../../../src/facts/gather-script.js';
import { readRecord } from '../../../src/flows/doctor/record-view.js';
import type { DoctorReport } from '../../../src/flows/doctor/run-doctor.js';
import { assembleBundle, secretsOf } from '../../../src/flows/support/assemble.js';
import { scanBundle, tarGz } from '../../../src/flows/support/bundle-archive.js';
import { bundleFiles, MAX_FILE_BYTES, safeInspect } from '../../../src/flows/support/bundle-files.js';
import { collectList, collectListText } from '../../../src/flows/support/collect-list.js';
import { humanAccounts, makePseudonyms } from '../../../src/flows/support/pseudonyms.js';
import { makeRedactor } from '../../../src/flows/support/redact.js';
import { recordedHost } from '../../support/recorded-host.js';

const recordText = recordedHost('demo-installed').raw.get('file:/var/lib/keelson/state.json')?.stdout ?? null;
const record = readRecord(recordText);
const items = collectList(record);
const CANARY = 'Kc9-canary/Zx+Qw@Rt&Np=7';
const none = makePseudonyms([], []);
const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });

const unpack = async (bytes: Buffer): Promise<Map<string, string>> => {
  const files = new Map<string, string>();
  const x = extract();
  x.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    stream.on('end', () => {
      files.set(h.name, Buffer.concat(chunks).toString());
      next();
    });
  });
  const done = new Promise<void>((resolve) => {
    x.on('finish', () => {
      resolve();
    });
  });
  Readable.from([gunzipSync(bytes)]).pipe(x);
  await done;
  return files;
};

describe('support bundle: what is collected', () => {
  it('each unit in the manager that runs it, the journal bounded and matched by the owner\'s UID, secrets read as the owner and never shipped', () => {
    const web = items.filter((i) => i.file.startsWith('stacks/demo/') && i.file.includes('web.service'));
    expect(web.map((i) => [i.file, i.from])).toEqual([
      ['stacks/demo/units/web.service.show', '(as keelson-demo) systemctl --user show -- web.service'],
      ['stacks/demo/units/web.service.status', '(as keelson-demo) systemctl --user status --no-pager --full --lines 0 -- web.service'],
      ['stacks/demo/journal/web.service.log', 'journalctl --no-pager -o short-iso -n 1000 --since -7d _SYSTEMD_USER_UNIT=web.service _UID=1001 + USER_UNIT=web.service _UID=1001'],
    ]);
    const rootful = items.find((i) => i.file === 'stacks/demo-rootful/units/web.service.show');
    expect(rootful?.from).toBe('systemctl show -- web.service');
    const secrets = items.filter((i) => i.secret !== undefined);
    expect(secrets.map((i) => [i.secret, i.ship, i.fact.probe])).toEqual([
      ['demo-token', false, { argv: ['podman', 'secret', 'inspect', '--showsecret', '--format', '{{.SecretData}}', '--', 'demo-token'], asUser: 'keelson-demo' }],
      ['demo-rootful-token', false, { argv: ['podman', 'secret', 'inspect', '--showsecret', '--format', '{{.SecretData}}', '--', 'demo-rootful-token'] }],
    ]);
    const text = collectListText(items);
    expect(text).toContain('stacks/demo/files/web.container.d  ←  sh -c');
    expect(text.split('Read only to redact, never written:')[1]).toContain('secret demo-token of demo');
    expect(text.split('Read only to redact, never written:')[0]).not.toContain('secret ');
  });

  it('every item goes into the ONE probe script: its fact id fits a frame and no two share one', () => {
    const requests = items.map((i) => ({ id: i.fact.id, probe: i.fact.probe }));
    expect(() => buildGatherScript(requests, '@@n')).not.toThrow();
    expect(new Set(requests.map((r) => r.id)).size).toBe(requests.length);
    expect(items.filter((i) => !i.ship).length).toBeGreaterThanOrEqual(3);
  });

  it("a secret Podman cannot read stops the bundle with what to do; one that is gone is nothing to redact", () => {
    const [first, second] = items.filter((i) => i.secret !== undefined);
    const answers = new Map([[first?.fact.id ?? '', { stdout: '', stderr: 'Error: no such secret', exitCode: 125 }], [second?.fact.id ?? '', { stdout: '', stderr: 'cannot open database', exitCode: 125 }]]);
    expect(secretsOf(items, answers)).toEqual({ ok: false, message: expect.stringMatching(/^the value of secret demo-rootful-token could not be read to redact it \(cannot open database\): no bundle was made; keelson doctor/) as unknown });
    answers.set(second?.fact.id ?? '', ok(`${CANARY}\n`));
    expect(secretsOf(items, answers)).toEqual({ ok: true, secrets: [{ name: 'demo-rootful-token', value: CANARY }] });
  });

  it("podman inspect keeps allowlisted fields: never a container's environment or its create command", () => {
    const inspect = JSON.stringify([{ Id: 'abc', Name: 'web', Config: { Env: [`T=${CANARY}`], User: '1000:1000', CreateCommand: ['podman', 'run', '--env', `T=${CANARY}`] }, State: { Status: 'running', Pid: 4 } }]);
    expect(JSON.parse(safeInspect(inspect))).toEqual([{ Id: 'abc', Name: 'web', State: { Status: 'running' }, Config: { User: '1000:1000' }, HostConfig: {}, NetworkSettings: {} }]);
  });

  it('a file over the cap is cut and says so', () => {
    const [first] = items.filter((i) => i.ship);
    const f = bundleFiles([], first === undefined ? [] : [first], new Map([[first?.fact.id ?? '', ok('x'.repeat(MAX_FILE_BYTES + 10))]]));
    expect(f.truncated).toEqual([first?.file]);
    expect(f.files[0]?.text).toMatch(/# cut at \d+ bytes by keelson's support bundle\n$/);
  });
});

describe('support bundle: redaction', () => {
  it('a known secret by value: as is, base64, URL- and form-encoded, JSON-escaped', () => {
    const r = makeRedactor([{ name: 'demo-token', value: CANARY }], none);
    const text = [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(`${CANARY}\n`).toString('base64'), encodeURIComponent(CANARY), `x=${Buffer.from(CANARY).toString('base64url')}`].join(' | ');
    expect(r.redact(text)).toBe('<secret:demo-token> | <secret:demo-token> | <secret:demo-token> | <secret:demo-token> | x=<secret:demo-token>');
    expect(r.counts.secrets).toBe(5);
  });

  it('private keys, bearer tokens and password-like values by pattern; secret names and lists are left', () => {
    const r = makeRedactor([], none);
    expect(r.redact('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nnext')).toBe('<redacted OPENSSH private key>\nnext');
    expect(r.redact('Authorization: Bearer eyJhbGciOi.J9x')).toBe('Authorization: Bearer <redacted>');
    expect(r.redact('DB_PASSWORD=hunter2 api_key: "abc" {"SMTP_PASS": "x"}')).toBe('DB_PASSWORD=<redacted> api_key: "<redacted>" {"SMTP_PASS": "<redacted>"}');
    expect(r.redact('Secret=demo-token,type=env,target=DEMO_TOKEN\n  "secrets": [\n')).toBe('Secret=demo-token,type=env,target=DEMO_TOKEN\n  "secrets": [\n');
  });

  it('host names, addresses and users: the same pseudonym everywhere; loopback kept; stack accounts kept', () => {
    const users = humanAccounts('root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nkeelson-demo:x:1001:1001::/home/keelson-demo:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n', ['keelson-demo']);
    expect(users).toEqual(['alice']);
    const p = makePseudonyms(['vm7', 'vm7.corp.example'], users);
    expect(p.apply('vm7.corp.example VM7 alice@10.0.2.15 10.0.2.15:22 127.0.0.1:18080 fe80::5054:ff:fe12:3456%eth0 52:54:00:12:34:56 13:01:18 keelson-demo web.service'))
      .toBe('host-1 host-2 user-1@ip4-1 ip4-1:22 127.0.0.1:18080 ip6-1 mac-1 13:01:18 keelson-demo web.service');
    expect(p.entries().map((e) => [e.pseudonym, e.real])).toEqual([['host-1', 'vm7.corp.example'], ['host-2', 'vm7'], ['user-1', 'alice'], ['mac-1', '52:54:00:12:34:56'], ['ip4-1', '10.0.2.15'], ['ip6-1', 'fe80::5054:ff:fe12:3456%eth0']]);
  });
});

describe('support bundle: the finished archive', () => {
  const doctor: DoctorReport = { format: 'keelson-doctor/1', host: 'root@vm7', stacks: ['demo'], roundTrips: 1, elapsedMs: 1, counts: { ok: 0, warn: 0, fail: 0 }, checks: [] };
  const byFile = (file: string) => items.find((i) => i.file === file)?.fact.id ?? '';
  const answers = new Map([
    [byFile('host names: replaced by pseudonyms'), ok('vm7\nvm7\nvm7\n')],
    [byFile('stacks/demo/journal/web.service.log'), ok(`2026-12-02T13:00:00+0000 vm7 echo[9]: leaked ${CANARY} ${Buffer.from(CANARY).toString('base64')} from 10.0.2.15\n`)],
  ]);

  it('holds no form of the secret nor the host name, names nothing real in its entry names, and the map has both', async () => {
    const b = await assembleBundle({ items, answers, record, recordText, doctor, target: 'vm7', keelsonVersion: '0.1.0', at: new Date('2026-12-02T13:00:00Z') }, [{ name: 'demo-token', value: CANARY }]);
    expect(b.name).toBe('keelson-support-host-1-20261202T130000Z');
    expect(scanBundle(b.bytes, [{ name: 'demo-token', value: CANARY }])).toEqual([]);
    const files = await unpack(b.bytes);
    const all = [...files.entries()].map(([n, t]) => `${n}\n${t}`).join('\n');
    expect(all).not.toMatch(/vm7|10\.0\.2\.15|Kc9-canary/);
    expect(files.get(`${b.name}/stacks/demo/journal/web.service.log`)).toBe('2026-12-02T13:00:00+0000 host-1 echo[9]: leaked <secret:demo-token> <secret:demo-token> from ip4-1\n');
    expect(files.get(`${b.name}/README.txt`)).toMatch(/Redacted: 2 occurrence\(s\) of the values of demo-token/);
    expect([...files.keys()]).toEqual(expect.arrayContaining([`${b.name}/doctor.json`, `${b.name}/record.json`, `${b.name}/stacks/demo/units/web.service.show`]));
    expect(b.map.map((e) => e.real)).toEqual(['vm7', '10.0.2.15']);
  });

  it('the final scan finds a value left in a file or an entry name, by its name and form, never printing it', async () => {
    const leaking = await tarGz('b', [{ name: 'a.txt', text: `x ${encodeURIComponent(CANARY)} y` }, { name: `dir-${CANARY}`, text: '' }], new Date(0));
    expect(scanBundle(leaking, [{ name: 'demo-token', value: CANARY }])).toEqual([{ name: 'demo-token', kind: 'URL-encoded' }, { name: 'demo-token', kind: 'value' }]);
  });
});
