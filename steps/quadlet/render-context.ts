// What rendering needs beyond the manifest: facts about the host's Podman and SELinux, the IDs earlier steps
// resolved (rootful User=/GroupAdd=), and the operator's answers (substituted into env values).
import type { Answers, Resolved } from '../../src/engine/step.js';
import type { MajorMinor } from '../../src/facts/version.js';

export interface RenderContext {
  readonly podman: MajorMinor;
  /** SELinux enabled (enforcing or permissive): bind mounts get a shared `:z` label. */
  readonly selinux: boolean;
  readonly resolved: Resolved;
  readonly answers: Answers;
}

/** A manifest value that cannot become a unit file; `where` is the manifest field path, e.g. "containers.web.exec". */
export class RenderError extends Error {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
    this.name = 'RenderError';
  }
}
