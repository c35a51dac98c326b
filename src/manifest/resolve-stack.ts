// `--stack X`: a bundled stack's name or a manifest file's path. Pure: the caller lists the bundled stacks and
// reads the file; this only decides which one X means and how to name it in messages.
import { isAbsolute, join, relative, resolve } from 'node:path';
import { closest } from './suggest.js';

/** A bundled stack's name is also a directory name under assets/stacks. */
export const STACK_NAME = /^[a-z][a-z0-9-]*$/;

export const isStackName = (arg: string): boolean => STACK_NAME.test(arg);

/** Where bundled stacks live, given the package root (the directory holding package.json). */
export function bundledStacksDir(packageRoot: string): string {
  return join(packageRoot, 'assets', 'stacks');
}

/** A bundled stack's manifest file. */
export function bundledManifestPath(stacksDir: string, name: string): string {
  return join(stacksDir, name, 'manifest.yaml');
}

export type StackRef =
  | { readonly kind: 'bundled'; readonly name: string; readonly path: string; readonly displayName: string }
  | { readonly kind: 'file'; readonly path: string; readonly displayName: string };

export interface ResolveStackOptions {
  /** The bundled stacks' names (the directories under bundledStacksDir that hold a manifest.yaml). */
  readonly bundled: readonly string[];
  readonly stacksDir: string;
  /** Relative file paths are taken from here; passed in so this stays pure. */
  readonly cwd: string;
}

/**
 * A bundled name wins: `--stack demo` is the bundled demo even if ./demo exists; write `./demo` for the file.
 * Anything else is a file path, absolute or relative to cwd.
 */
export function resolveStackRef(arg: string, { bundled, stacksDir, cwd }: ResolveStackOptions): StackRef {
  if (isStackName(arg) && bundled.includes(arg)) {
    return { kind: 'bundled', name: arg, path: bundledManifestPath(stacksDir, arg), displayName: `${arg}/manifest.yaml` };
  }
  const path = resolve(cwd, arg);
  const rel = relative(cwd, path);
  // Messages name the file as the operator typed it when it is under cwd, else by its absolute path.
  const displayName = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return { kind: 'file', path, displayName };
}

/** What to say when the file a StackRef names does not exist. */
export function stackNotFoundMessage(arg: string, bundled: readonly string[]): string {
  const list = bundled.length > 0 ? `bundled stacks: ${bundled.join(', ')}` : 'no stacks are bundled';
  if (!isStackName(arg)) return `--stack ${arg}: no such file; give the path of a manifest file, or a bundled stack's name (${list})`;
  const guess = closest(arg, bundled);
  const suggestion = guess === undefined ? '' : `; did you mean '${guess}'?`;
  return `--stack ${arg}: there is no bundled stack of that name and no file ./${arg} (${list})${suggestion}`;
}
