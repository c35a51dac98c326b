// imageBuild: busybox — an image built on the host from its static busybox (the offline demo). Either that or an
// archive, never both; and the image it builds is a local one.
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { errorAt, errorsOf, mutate } from './fixtures.js';

const WEB = '    image: localhost/shop:1\n';

describe('containers[].imageBuild', () => {
  it('accepts busybox for a localhost/ image', () => {
    const r = parseManifest(mutate(WEB, `${WEB}    imageBuild: busybox\n`), 'test.yaml');
    expect(r.ok && r.manifest.containers[0]?.imageBuild).toBe('busybox');
  });

  it.each([
    ['anything but busybox', `${WEB}    imageBuild: alpine\n`, 'containers[0].imageBuild', /busybox/],
    ['with an archive too', `${WEB}    imageBuild: busybox\n    imageArchive: /var/lib/keelson/shop.tar\n`, 'containers[0].imageBuild', /either built on the host .* or loaded from an archive/],
    ['for a registry image', '    image: docker.io/library/busybox:1\n    imageBuild: busybox\n', 'containers[0].image', /named "localhost\/…", e\.g\. "localhost\/web:1"/],
  ])('refuses it %s', (_name, replacement, path, message) => {
    expect(errorAt(errorsOf(mutate(WEB, replacement)), path).message).toMatch(message);
  });
});
