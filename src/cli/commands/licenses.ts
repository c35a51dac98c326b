// keelson licenses: keelson's licence and those of the packages bundled into it, from wherever this keelson carries
// them (read-only; no host).
import { join } from 'node:path';
import { DIST_DIR, entryPoints, THIRD_PARTY_LICENSES } from '../../build/bundle-options.mjs';
import { KEELSON_LICENSE, KEELSON_VERSION } from '../../engine/version.js';
import { singleExecutableText } from '../../host/single-executable.js';
import { readWorkstationText } from '../../host/workstation-files.js';
import { visibleText } from '../../engine/visible-text.js';
import { EXIT } from '../exit-codes.js';
import { licensesText, type LicencesSource } from '../licenses-text.js';
import { ENTRY_POINT, IS_SINGLE_EXECUTABLE, PACKAGE_ROOT } from '../package-location.js';

const licencesSource = async (): Promise<LicencesSource> => {
  if (IS_SINGLE_EXECUTABLE) return { form: 'single-executable', text: singleExecutableText(THIRD_PARTY_LICENSES) };
  // The npm package (or a checkout's own build, through npm link): the file its build wrote beside the bundle.
  if (ENTRY_POINT === entryPoints(PACKAGE_ROOT).dist) {
    const file = join(PACKAGE_ROOT, DIST_DIR, THIRD_PARTY_LICENSES);
    return { form: 'package', file, text: await readWorkstationText(file) };
  }
  return { form: 'checkout' };
};

export const licensesCommand = async (): Promise<void> => {
  const out = licensesText(KEELSON_VERSION, KEELSON_LICENSE, await licencesSource());
  process.stdout.write(out.stdout);
  if (out.problem === undefined) return;
  process.stderr.write(visibleText(`keelson: ${out.problem}\n`));
  process.exitCode = EXIT.failed;
};
