// keelson support-bundle: a redacted tar.gz a support engineer can send on, written on this workstation
// (src/cli/support-bundle-write.ts); `--list` shows what it would collect and collects nothing.
import { collectListText } from '../../flows/support/collect-list.js';
import { UsageError } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';
import { bundleItems, writeSupportBundle } from '../support-bundle-write.js';

export { mapPathFor } from '../support-bundle-write.js';

export interface SupportBundleFlags extends HostFlags {
  readonly out?: string;
  readonly list?: boolean;
}

export const supportBundleCommand = async (flags: SupportBundleFlags): Promise<void> => {
  if (flags.out !== undefined && !/\.(tar\.gz|tgz)$/.test(flags.out)) throw new UsageError(`--out "${flags.out}": the bundle is a gzipped tar: name it FILE.tar.gz`);
  const host = await openHost(flags);
  try {
    if (flags.list === true) {
      process.stdout.write(`${collectListText((await bundleItems(host)).items)}Nothing was collected.\n`);
      return;
    }
    const b = await writeSupportBundle(host, { ...(flags.out === undefined ? {} : { out: flags.out }), destination: flags.host ?? null });
    process.stdout.write(`${b.path}  (${b.bytes} bytes; ${b.secrets} secret(s) redacted by value)\n${b.mapPath}  (the pseudonym map: keep it, do not send it)\n`);
  } finally {
    await host.close();
  }
};
