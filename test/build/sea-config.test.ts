// The single executable's configuration lists the third-party licences as an asset, under the name `keelson
// licenses` reads it by, from the file the build writes them to; and each bundled stack's file, as before.
import { describe, expect, it } from 'vitest';
import { SEA_STACK_INDEX, THIRD_PARTY_LICENSES } from '../../src/build/bundle-options.mjs';
import { seaConfig, seaWorkFiles } from '../../src/build/sea-config.mjs';

describe('the single executable configuration', () => {
  const config = seaConfig('/w', '/r/assets/stacks', ['demo/manifest.yaml', 'demo/files/app.env']);

  it('carries the third-party licences the build writes into its work directory', () => {
    expect(THIRD_PARTY_LICENSES).toBe('THIRD-PARTY-LICENSES');
    expect(seaWorkFiles('/w').licences).toBe('/w/THIRD-PARTY-LICENSES');
    expect(config.assets[THIRD_PARTY_LICENSES]).toBe('/w/THIRD-PARTY-LICENSES');
  });

  it('carries the stacks index and every stack file under stacks/, and the bundle as its main', () => {
    expect(config.assets).toEqual({
      [SEA_STACK_INDEX]: '/w/stacks.json',
      'THIRD-PARTY-LICENSES': '/w/THIRD-PARTY-LICENSES',
      'stacks/demo/manifest.yaml': '/r/assets/stacks/demo/manifest.yaml',
      'stacks/demo/files/app.env': '/r/assets/stacks/demo/files/app.env',
    });
    expect(config).toMatchObject({ main: '/w/keelson.cjs', output: '/w/keelson.blob', useCodeCache: true });
  });
});
