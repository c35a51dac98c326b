// keelson's own small JSON files on the workstation (the wizard's saved place: ~/.config/keelson/wizard.json).
// Synchronous, as the wizard's first frame reads it and a save is on disk before the next key; written atomically,
// 0600 in a 0700 directory. What conf did here before, without its 200 KB of schema machinery at every start.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SettingsFile {
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** `$XDG_CONFIG_HOME/keelson` (when absolute), else `~/.config/keelson`. */
export const keelsonConfigDir = (env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string =>
  join(env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config'), 'keelson');

type Settings = Record<string, unknown>;

/** The file's settings; a file that is missing or no longer parses holds none (it is rewritten on the next save). */
const readSettings = (path: string): Settings => {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Settings) : {};
  } catch {
    return {};
  }
};

const writeSettings = (path: string, settings: Settings): void => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, '\t')}\n`, { mode: 0o600 });
  renameSync(tmp, path);
};

export const openSettingsFile = (path: string): SettingsFile => ({
  path,
  get: (key) => readSettings(path)[key],
  set(key, value) {
    writeSettings(path, { ...readSettings(path), [key]: value });
  },
  delete(key) {
    const { [key]: _gone, ...rest } = readSettings(path);
    writeSettings(path, rest);
  },
});
