// Which Quadlet keys the host's Podman understands. Checked against containers/podman's
// docs/source/markdown/podman-systemd.unit.5.md at each release tag:
// - Quadlet itself: 4.4. `Notify=healthy`: documented from v5.0.0.
// - `GroupAdd=` (including the `keep-groups` special value): from v5.1.0; before that only
//   `PodmanArgs=--group-add=…` reaches `podman run --group-add`.
// - "Dependency between Quadlet units" (Wants=/Requires=/After=x.container translated to x.service): from v5.5.0;
//   before that a unit must name the generated x.service itself.

export interface PodmanVersion {
  readonly major: number;
  readonly minor: number;
}

export interface PodmanFeatures {
  readonly quadlet: boolean;
  readonly notifyHealthy: boolean;
  readonly groupAddKey: boolean;
  readonly quadletDependencies: boolean;
}

const atLeast = (v: PodmanVersion, major: number, minor: number): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);

export const podmanFeatures = (v: PodmanVersion): PodmanFeatures => ({
  quadlet: atLeast(v, 4, 4),
  notifyHealthy: atLeast(v, 5, 0),
  groupAddKey: atLeast(v, 5, 1),
  quadletDependencies: atLeast(v, 5, 5),
});
