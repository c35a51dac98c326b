import { parseManifest } from './src/manifest/load-manifest.ts';
import { BASE } from './test/manifest/fixtures.ts';
const text = BASE + Array.from({ length: 2000 }, (_, i) => `k${i}: 1`).join('\n') + '\n';
for (let i = 0; i < 3; i++) { const t = performance.now(); parseManifest(text, 'x'); console.log((performance.now() - t).toFixed(0)); }
const text2 = BASE + Array.from({ length: 2000 }, (_, i) => `k: 1`).join('\n') + '\n';
for (let i = 0; i < 3; i++) { const t = performance.now(); parseManifest(text2, 'x'); console.log('dup', (performance.now() - t).toFixed(0)); }
