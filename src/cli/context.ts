// What every command needs before it can talk about a host: the stack, its answers, and a Host.
import { resolve } from 'node:path';
import type { Host } from '../host/host.js';
import { listWorkstationDirs, readWorkstationText, statWorkstationPath } from '../host/workstation-files.js';
import { resolveAnswers } from '../engine/answers.js';
import type { Answers } from '../engine/step.js';
import { formatManifestErrors, parseManifest } from '../manifest/load-manifest.js';
import { visibleValue } from '../engine/visible-text.js';
import type { Manifest } from '../manifest/schema.js';
import { bundledManifestPath, bundledStacksDir, resolveStackRef, stackNotFoundMessage, type StackRef } from '../manifest/resolve-stack.js';
import { singleExecutableText } from '../host/single-executable.js';
import { UsageError } from './exit-codes.js';
import { SEA_STACK_INDEX, SEA_STACKS } from '../build/bundle-options.mjs';
import { IS_SINGLE_EXECUTABLE, PACKAGE_ROOT } from './package-location.js';
import { isArchivePath } from '../manifest/archive/archive-layout.js';
import { loadArchiveStack, type ArchiveStack, type TrustFlags } from './stack-archive.js';
import { parseValuesFile } from './values-file.js';
import { LUKS_DEVICE_ANSWER, LUKS_KEY_FILE_ANSWER } from '../../steps/storage/setup-request.js';

// Where this keelson is (package-location.ts, light enough for the wizard's first frame), said here too for the
// commands that read it with the stacks.
export { ENTRY_POINT, IS_SINGLE_EXECUTABLE, PACKAGE_ROOT, packageRootOf } from './package-location.js';

export const ASSETS_DIR = resolve(PACKAGE_ROOT, 'assets');
export const STACKS_DIR = bundledStacksDir(PACKAGE_ROOT);

export interface LoadedStack {
  readonly manifest: Manifest;
  readonly source: string;
  /** Set when the stack came from a verified stack archive (--stack FILE.keelson). */
  readonly archive?: ArchiveStack;
}

/** Where a bundled stack's manifest is in the single executable (the build puts assets/stacks/ under SEA_STACKS). */
const stackAssetKey = (name: string): string => bundledManifestPath(SEA_STACKS, name);

const readBundledManifest = (name: string, path: string): Promise<string | null> =>
  IS_SINGLE_EXECUTABLE ? Promise.resolve(singleExecutableText(stackAssetKey(name))) : readWorkstationText(path);

/** The bundled stacks: directories under assets/stacks that hold a manifest.yaml (or those built into the executable). */
export const bundledStacks = async (): Promise<string[]> => {
  if (IS_SINGLE_EXECUTABLE) return JSON.parse(singleExecutableText(SEA_STACK_INDEX) ?? '[]') as string[];
  const names = await listWorkstationDirs(STACKS_DIR);
  const present = await Promise.all(names.map(async (n) => ((await readWorkstationText(bundledManifestPath(STACKS_DIR, n))) === null ? null : n)));
  return present.filter((n): n is string => n !== null);
};

/** A bundled stack's name (assets/stacks/NAME/manifest.yaml), or a manifest file's path. */
export const loadStack = async (stack: string, cwd: string = process.cwd(), trust: TrustFlags = {}): Promise<LoadedStack> => {
  if (isArchivePath(stack)) {
    const archive = await loadArchiveStack(resolve(cwd, stack), trust);
    return { manifest: archive.manifest, source: stack, archive };
  }
  if (trust.trust !== undefined || trust.allowUnsigned === true) throw new UsageError('--trust and --allow-unsigned are for a stack archive (--stack FILE.keelson)');
  const bundled = await bundledStacks();
  let ref = resolveStackRef(stack, { bundled, stacksDir: STACKS_DIR, cwd });
  if (ref.kind === 'bundled') return parsedStack(await readBundledManifest(ref.name, ref.path), stack, bundled, ref);
  const what = await statWorkstationPath(ref.path);
  if (what?.kind === 'dir') {
    // A stack's directory (assets/stacks/NAME, or one of the operator's): its manifest.yaml, if it has one.
    const inside = bundledManifestPath(ref.path, '.');
    if ((await statWorkstationPath(inside))?.kind !== 'file') {
      throw new UsageError(`--stack ${stack} is a directory without a manifest.yaml: name the manifest file itself (--stack ${stack.replace(/\/$/, '')}/NAME.yaml)`);
    }
    ref = { kind: 'file', path: inside, displayName: `${ref.displayName.replace(/\/$/, '')}/manifest.yaml` };
  } else if (what !== null && what.kind !== 'file') {
    throw new UsageError(`--stack ${stack} is neither a file nor a directory: name the manifest file`);
  }
  return parsedStack(await readWorkstationText(ref.path), stack, bundled, ref);
};

const parsedStack = (text: string | null, stack: string, bundled: readonly string[], ref: StackRef): LoadedStack => {
  if (text === null) throw new UsageError(stackNotFoundMessage(stack, bundled));
  const parsed = parseManifest(text, ref.displayName);
  if (!parsed.ok) throw new UsageError(`the stack manifest has errors:\n${formatManifestErrors(parsed.errors, ref.displayName)}`);
  const packed = parsed.manifest.containers.findIndex((c) => c.imageFile !== undefined);
  if (packed >= 0) {
    throw new UsageError(`${ref.displayName}: containers[${packed}].imageFile ships an image with the stack: pack it first (keelson pack DIR --key KEY --out FILE.keelson) and plan with --stack FILE.keelson --trust PUBKEY`);
  }
  return { manifest: parsed.manifest, source: ref.path };
};

export interface SetupFlags {
  readonly setupLuks?: string;
  readonly luksKeyFile?: string;
}

/** --setup-luks DEVICE [--luks-key-file PATH] travel as keelson.* answers, so a saved plan keeps them. */
export const setupAnswers = (flags: SetupFlags): Record<string, string> => {
  if (flags.luksKeyFile !== undefined && flags.setupLuks === undefined) throw new UsageError('--luks-key-file needs --setup-luks DEVICE');
  return {
    ...(flags.setupLuks !== undefined ? { [LUKS_DEVICE_ANSWER]: flags.setupLuks } : {}),
    ...(flags.luksKeyFile !== undefined ? { [LUKS_KEY_FILE_ANSWER]: flags.luksKeyFile } : {}),
  };
};

/** The answers file's values as written (and keelson's own options), not yet checked against the questions. */
export const readProvidedAnswers = async (manifest: Manifest, file: string | undefined, setup: SetupFlags = {}): Promise<Record<string, string>> => {
  let provided: Record<string, string> = setupAnswers(setup);
  if (file !== undefined) {
    if ((await statWorkstationPath(file))?.kind === 'dir') throw new UsageError(`--answers ${file} is a directory: name the answers file`);
    const text = await readWorkstationText(file);
    if (text === null) throw new UsageError(`--answers ${file}: no such file`);
    const parsed = parseValuesFile(text, file, 'answers');
    if (parsed.stack !== undefined && parsed.stack !== manifest.stack) {
      throw new UsageError(`${file}: this answers file is for stack "${parsed.stack}", not "${manifest.stack}": pass the answers file of this stack`);
    }
    provided = { ...parsed.values, ...provided };
  }
  return provided;
};

/** Answers file: YAML or JSON, `answers: { id: value }`. Secrets never live here (see --secrets). */
export const loadAnswers = async (manifest: Manifest, file: string | undefined, setup: SetupFlags = {}): Promise<Answers> => {
  const provided = await readProvidedAnswers(manifest, file, setup);
  const r = resolveAnswers(manifest, provided);
  if (!r.ok) throw new UsageError(`answers for stack ${manifest.stack}${file === undefined ? '' : ` (${file})`}:\n${r.problems.map((p) => `  ${visibleValue(p.id)}: ${p.message}`).join('\n')}`);
  return r.answers;
};

export type { Host };
