// The support bundle written on this workstation, as `keelson support-bundle` and the wizard's Troubleshoot both make
// it. Two round trips, both reads: the record (it names what to collect), then doctor's facts and every allowlisted
// item in one script. Nothing is written on the host. The bundle (0600) and its pseudonym map (0600, beside it, never
// inside) are written here; the finished bundle is scanned for every known secret and deleted if one is found.
import { dirname, join } from 'node:path';
import type { Host } from '../host/host.js';
import type { BundleWritten } from '../../screens/controller.js';
import { KEELSON_VERSION } from '../engine/version.js';
import { gatherFacts } from '../facts/gather.js';
import { doctorFacts } from '../flows/doctor/doctor-facts.js';
import { readRecord, RECORD_PATH } from '../flows/doctor/record-view.js';
import { doctorReport } from '../flows/doctor/run-doctor.js';
import { assembleBundle, BUNDLE_FORMAT, secretsOf } from '../flows/support/assemble.js';
import { scanBundle } from '../flows/support/bundle-archive.js';
import { collectList, type CollectItem } from '../flows/support/collect-list.js';
import { readWorkstationBytes, removeWorkstationFile, writeWorkstationFile } from '../host/workstation-files.js';
import { UsageError } from './exit-codes.js';
import { parseTarget } from './parse-target.js';

/** case.tar.gz → case.map.json, in the same directory. */
export const mapPathFor = (out: string): string => join(dirname(out), `${out.slice(dirname(out).length + 1).replace(/(\.tar\.gz|\.tgz)$/, '')}.map.json`);


/** What the bundle would collect, from the host's record (one round trip): `--list` prints it. */
export const bundleItems = async (host: Host): Promise<{ items: CollectItem[]; recordText: string | null }> => {
  const file = await host.readFile(RECORD_PATH);
  const recordText = file.kind === 'present' ? file.content : null;
  return { items: collectList(readRecord(recordText)), recordText };
};

/**
 * Collects, redacts and writes the bundle. `out`: the file, or a directory to name it in (the bundle's own name);
 * `destination`: the --host the operator typed (user@host:port); its host name is redacted like the host's own names.
 */
export const writeSupportBundle = async (host: Host, o: { readonly out?: string; readonly dir?: string; readonly destination: string | null }): Promise<BundleWritten> => {
  const { items, recordText } = await bundleItems(host);
  const before = host.roundTrips;
  const gathered = await gatherFacts(host, [...doctorFacts, ...items.map((i) => i.fact)]);
  const read = secretsOf(items, gathered.raw);
  if (!read.ok) throw new UsageError(read.message);
  const doctor = doctorReport(gathered, host.label, host.roundTrips - before);
  const record = readRecord(recordText);
  const bundle = await assembleBundle({ items, answers: gathered.raw, record, recordText, doctor, target: o.destination === null ? null : parseTarget(o.destination).host, keelsonVersion: KEELSON_VERSION, at: new Date() }, read.secrets);
  const out = o.out ?? join(o.dir ?? '.', `${bundle.name}.tar.gz`);
  await writeWorkstationFile(out, bundle.bytes, 0o600);
  const hits = scanBundle((await readWorkstationBytes(out)) ?? Buffer.alloc(0), read.secrets);
  if (hits.length > 0) {
    await removeWorkstationFile(out);
    throw new Error(`the finished bundle still held ${hits.map((h) => `secret ${h.name} (${h.kind})`).join(', ')}: it was deleted; please report this to keelson's maintainers`);
  }
  const mapPath = mapPathFor(out);
  await writeWorkstationFile(mapPath, `${JSON.stringify({ format: `${BUNDLE_FORMAT}-map`, bundle: out, pseudonyms: bundle.map }, null, 2)}\n`, 0o600);
  return { path: out, mapPath, bytes: bundle.bytes.length, secrets: read.secrets.length };
};
