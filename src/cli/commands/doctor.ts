// keelson doctor: what is wrong with a deployed stack, from the record and one round trip of facts. Read-only.
import { runDoctor } from '../../flows/doctor/run-doctor.js';
import { doctorText } from '../../flows/doctor/doctor-text.js';
import { EXIT } from '../exit-codes.js';
import { openHost, type HostFlags } from '../open-host.js';

export interface DoctorFlags extends HostFlags {
  readonly json?: boolean;
  readonly only?: string;
  readonly skip?: string;
}

const ids = (list: string | undefined): string[] => (list ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

export const doctorCommand = async (flags: DoctorFlags): Promise<void> => {
  const host = await openHost(flags);
  try {
    const report = await runDoctor(host, { only: ids(flags.only), skip: ids(flags.skip) });
    process.stdout.write(flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : doctorText(report));
    process.exitCode = report.counts.fail > 0 ? EXIT.blocked : EXIT.ok;
  } finally {
    await host.close();
  }
};
