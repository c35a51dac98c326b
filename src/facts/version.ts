// Loose version numbers from package managers and tools ("5.4.2", "1:4.3.1+ds1-8", "257.9-1~deb13u1").

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export const parseVersion = (text: string): Version | null => {
  const m = /^(?:[0-9]+:)?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?/.exec(text.trim());
  if (m?.[1] === undefined) return null;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) };
};

export const versionAtLeast = (v: Version, major: number, minor = 0): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);

export const formatVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;
