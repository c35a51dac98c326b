// keelson support-bundle: a redacted tar.gz a support engineer can send on. Two round trips, both reads: the record
// (it names what to collect), then doctor's facts and every allowlisted item in one script. Nothing is written on
// the host. The bundle (0600) and its pseudonym map (0600, beside it, never inside) are written here; the finished
// bundle is scanned for every known secret and deleted if one is found.
import { dirname, join } from 'node:path';
import { KEELSON_VERSION } from '../../engine/version.js';
import { gatherFacts } from '../../facts/gather.js';
import { doctorFacts } from '../../flows/doctor/doctor-facts.js';
import { readRecord, RECORD_PATH } from '../../flows/doctor/record-view.js';
import { doctorReport } from '../../flows/doctor/run-doctor.js';
import { assembleBundle, BUNDLE_FORMAT, secretsOf } from '../../flows/support/assemble.js';
import { scanBundle } from '../../flows/support/bundle-archive.js';
import { collectList, collectListText } from '../../flows/support/collect-list.js';
import { readWorkstationBytes, removeWorkstationFile, writeWorkstationFile } from '../../host/workstation-files.js';
import { UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { parseTarget } from '../parse-target.js';

export interface SupportBundleFlags extends HostFlags {
  readonly out?: string;
  readonly list?: boolean;
}

/** case.tar.gz → case.map.json, in the same directory. */
export const mapPathFor = (out: string): string => join(dirname(out), `${out.slice(dirname(out).length + 1).replace(/(\.tar\.gz|\.tgz)$/, '')}.map.json`);

export const supportBundleCommand = async (flags: SupportBundleFlags): Promise<void> => {
  if (flags.out !== undefined && !/\.(tar\.gz|tgz)$/.test(flags.out)) throw new UsageError(`--out "${flags.out}": the bundle is a gzipped tar: name it FILE.tar.gz`);
  const host = await openHost(flags);
  try {
    const file = await host.readFile(RECORD_PATH);
    const recordText = file.kind === 'present' ? file.content : null;
    const record = readRecord(recordText);
    const items = collectList(record);
    if (flags.list === true) {
      process.stdout.write(`${collectListText(items)}Nothing was collected.\n`);
      return;
    }
    const before = host.roundTrips;
    const gathered = await gatherFacts(host, [...doctorFacts, ...items.map((i) => i.fact)]);
    const read = secretsOf(items, gathered.raw);
    if (!read.ok) throw new UsageError(read.message);
    const doctor = doctorReport(gathered, host.label, host.roundTrips - before);
    const at = new Date();
    const target = flags.host === undefined ? null : parseTarget(flags.host).host;
    const bundle = await assembleBundle({ items, answers: gathered.raw, record, recordText, doctor, target, keelsonVersion: KEELSON_VERSION, at }, read.secrets);
    const out = flags.out ?? `${bundle.name}.tar.gz`;
    await writeWorkstationFile(out, bundle.bytes, 0o600);
    const hits = scanBundle((await readWorkstationBytes(out)) ?? Buffer.alloc(0), read.secrets);
    if (hits.length > 0) {
      await removeWorkstationFile(out);
      throw new Error(`the finished bundle still held ${hits.map((h) => `secret ${h.name} (${h.kind})`).join(', ')}: it was deleted; please report this to keelson's maintainers`);
    }
    const mapPath = mapPathFor(out);
    await writeWorkstationFile(mapPath, `${JSON.stringify({ format: `${BUNDLE_FORMAT}-map`, bundle: out, pseudonyms: bundle.map }, null, 2)}\n`, 0o600);
    process.stdout.write(`${out}  (${bundle.bytes.length} bytes; ${read.secrets.length} secret(s) redacted by value)\n${mapPath}  (the pseudonym map: keep it, do not send it)\n`);
  } finally {
    await host.close();
  }
};
