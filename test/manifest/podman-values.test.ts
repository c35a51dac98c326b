// Values Podman itself reads. imageBuild: busybox builds an image on the host from its static busybox (the offline
// demo): either that or an archive, never both, and the image it builds is a local one. Health intervals are Go
// durations.
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
    ['with an archive too', `${WEB}    imageBuild: busybox\n    imageArchive: /var/lib/keelson/shop.tar\n`, 'containers[0].imageBuild', /built on the host \(imageBuild\), loaded from an archive on the host \(imageArchive\) or shipped with the stack \(imageFile\): one of them/],
    ['with a shipped image too', `${WEB}    imageBuild: busybox\n    imageFile: images/web.tar\n`, 'containers[0].imageFile', /one of them/],
    ['for a registry image', '    image: docker.io/library/busybox:1\n    imageBuild: busybox\n', 'containers[0].image', /named "localhost\/…", e\.g\. "localhost\/web:1"/],
  ])('refuses it %s', (_name, replacement, path, message) => {
    expect(errorAt(errorsOf(mutate(WEB, replacement)), path).message).toMatch(message);
  });
});

describe('containers[].health.interval', () => {
  const HEALTH = `${WEB}    health:\n      cmd: ["/bin/true"]\n      interval: INTERVAL\n`;
  it.each(['500ms', '10s', '5m', '1h'])('accepts %s (Go durations: Podman parses them with time.ParseDuration)', (interval) => {
    expect(parseManifest(mutate(WEB, HEALTH.replace('INTERVAL', interval)), 'test.yaml').ok).toBe(true);
  });

  it.each(['5min', '"10"', '0s', '1d'])('refuses %s', (interval) => {
    expect(errorAt(errorsOf(mutate(WEB, HEALTH.replace('INTERVAL', interval))), 'containers[0].health.interval').message).toMatch(/"5m"/);
  });
});
