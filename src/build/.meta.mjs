import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { packageBundleOptions } from './bundle-options.mjs';
const r = await build({ ...packageBundleOptions('/work/wt-pkg/', '/tmp/meta-out'), write: false });
writeFileSync('/tmp/meta.json', JSON.stringify(r.metafile));
