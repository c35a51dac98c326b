// Manifest choices that render fine but an operator of a hardened host would want to hear about.
import { warning, type Finding } from '../../src/engine/finding.js';
import { DEFAULT_PUBLISH_IP, parsePublish } from '../../src/manifest/publish.js';
import type { Manifest } from '../../src/manifest/schema.js';

// A registry host has a dot or a port, or is "localhost": anything else is a short name Podman must resolve
// through unqualified-search-registries (ambiguous, and refused without a TTY when several are configured).
const QUALIFIED = /^(?:localhost|[^/]*[.:][^/]*)\//;

export const manifestWarnings = (m: Manifest): Finding[] => {
  const findings: Finding[] = [];
  for (const c of m.containers) {
    if (!QUALIFIED.test(c.image)) {
      findings.push(warning('quadlet-image-short-name', `Container ${c.name} uses the short image name "${c.image}", which Podman resolves through the host's registry list.`, `Write the full name in the manifest, e.g. "docker.io/library/${c.image}".`));
    }
    const open = c.publish.filter((p) => parsePublish(p)?.everyInterface === true);
    if (open.length > 0) {
      findings.push(warning('quadlet-publish-all-interfaces', `Container ${c.name} publishes ${open.join(', ')} on every interface of the host, not only loopback.`, `If only a local reverse proxy needs it, drop the host address (keelson then publishes on ${DEFAULT_PUBLISH_IP}).`));
    }
  }
  return findings;
};
