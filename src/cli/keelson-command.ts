// The words that start this keelson from where the operator is, for every command keelson prints for them to run
// (the replay of saved answers, "run … again"). A checkout has no `keelson` on PATH: its command is the npm script.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { entryPoints } from '../build/bundle-options.mjs';
import { findOnPath } from '../host/workstation-files.js';

export interface Invocation {
  /** This keelson's package directory (a checkout, or an install under node_modules). */
  readonly packageRoot: string;
  /** The file that started this keelson (context's ENTRY_POINT). */
  readonly entry: string;
  /** The directory the operator is in. */
  readonly cwd: string;
  /** `keelson` on PATH is this very keelson (a global install, or a link to this checkout). */
  readonly onPath: boolean;
  /** This keelson is a single executable (keelson-linux-x64): entry is the executable. */
  readonly singleExecutable?: boolean;
}

const inside = (dir: string, root: string): boolean => {
  const r = relative(root, dir);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** For a command the operator copies: plain words stay plain, anything else is single-quoted. */
export const shellWord = (s: string): string => (/^[A-Za-z0-9@%+=:,./_~-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/**
 * `keelson` when PATH finds this keelson; in a checkout the npm script (`npm run keelson --`, with --prefix from
 * outside it); an install under a project's node_modules through npx from inside the project, else its entry point.
 */
export const keelsonCommand = (i: Invocation): string => {
  if (i.onPath) return 'keelson';
  if (i.singleExecutable === true) return shellWord(i.entry);
  const modules = i.packageRoot.lastIndexOf(`${sep}node_modules${sep}`);
  if (modules < 0) return inside(i.cwd, i.packageRoot) ? 'npm run keelson --' : `npm --prefix ${shellWord(i.packageRoot)} run keelson --`;
  const project = i.packageRoot.slice(0, modules) || sep;
  return inside(i.cwd, project) ? 'npx keelson' : `node ${shellWord(i.entry)}`;
};

/**
 * Where the operator is: `npm run keelson` starts keelson in the package directory and says where it was typed in
 * INIT_CWD; otherwise the working directory.
 */
export const operatorCwd = (env: NodeJS.ProcessEnv, cwd: string): string =>
  env.npm_lifecycle_event === 'keelson' && env.INIT_CWD !== undefined && isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;

/** Looks at PATH (the only I/O here) and says how this keelson is started from `cwd`. */
export const detectKeelsonCommand = async (packageRoot: string, entry: string, cwd: string, env: NodeJS.ProcessEnv = process.env, singleExecutable = false): Promise<string> => {
  const found = await findOnPath('keelson', env.PATH);
  // Either of this package's entry points is this keelson (`npm link` in a checkout links the built one), and so is
  // a single executable copied onto PATH as keelson.
  const ours = await Promise.all([entry, ...Object.values(entryPoints(packageRoot))].map((file) => realpath(file).catch(() => null)));
  return keelsonCommand({ packageRoot, entry, cwd, onPath: found !== null && ours.includes(found), singleExecutable });
};
