// Loose version numbers from package managers and tools ("5.4.2", "1:4.3.1+ds1-8", "257.9-1~deb13u1"), and the one
// comparison keelson makes of them.

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** What a requirement names: "Podman 4.8". */
export type MajorMinor = Pick<Version, 'major' | 'minor'>;

export const parseVersion = (text: string): Version | null => {
  const m = /^(?:[0-9]+:)?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?/.exec(text.trim());
  if (m?.[1] === undefined) return null;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
};

export const versionAtLeast = (v: MajorMinor, min: MajorMinor): boolean =>
  v.major > min.major || (v.major === min.major && v.minor >= min.minor);

export const formatVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;
export const formatMajorMinor = (v: MajorMinor): string => `${v.major}.${v.minor}`;
