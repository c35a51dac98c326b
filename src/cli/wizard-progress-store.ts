// Where an unfinished wizard is kept between runs: ~/.config/keelson/wizard.json (0600), under "progress". Only the
// operator's place and non-secret answers; a file that no longer parses is treated as absent. Checked by hand, not
// by zod: the Welcome reads this before its first frame, and zod's core is 400 KB to compile there.
import { join } from 'node:path';
import type { ProgressScreen, TargetSpec, WizardProgress } from '../../screens/controller.js';
import { keelsonConfigDir, openSettingsFile, type SettingsFile } from '../host/settings-file.js';

const SCREENS: readonly ProgressScreen[] = ['target', 'stack', 'questions', 'step', 'review'];

type Fields = Readonly<Record<string, unknown>>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const isWord = (v: unknown): v is string => isText(v) && v !== '';

const targetOf = (v: unknown): TargetSpec | null | undefined => {
  if (v === null) return null;
  if (!isFields(v)) return undefined;
  if (v.kind === 'local') return { kind: 'local' };
  if (v.kind !== 'ssh' || !isWord(v.destination) || !(v.identity === undefined || isWord(v.identity))) return undefined;
  return { kind: 'ssh', destination: v.destination, ...(v.identity === undefined ? {} : { identity: v.identity }) };
};

/** The progress in v, its known fields only, or null when any is missing or of the wrong kind. */
export const progressOf = (v: unknown): WizardProgress | null => {
  if (!isFields(v)) return null;
  const { stackRef, answers, screen, stepIndex, skipped, savedAt } = v;
  const target = targetOf(v.target);
  if (target === undefined || !(stackRef === null || isText(stackRef)) || !isText(savedAt)) return null;
  if (!isFields(answers) || !Object.values(answers).every(isText)) return null;
  if (!SCREENS.includes(screen as ProgressScreen) || !Number.isSafeInteger(stepIndex) || (stepIndex as number) < 0) return null;
  if (!Array.isArray(skipped) || !skipped.every(isText)) return null;
  return { target, stackRef, answers: { ...(answers as Record<string, string>) }, screen: screen as ProgressScreen, stepIndex: stepIndex as number, skipped: [...skipped], savedAt };
};

export interface ProgressStore {
  load(): WizardProgress | null;
  save(progress: WizardProgress): void;
  clear(): void;
}

/** `dir` for tests (a temp directory); the default is the user's config directory. */
export const wizardSettingsFile = (dir: string = keelsonConfigDir()): SettingsFile => openSettingsFile(join(dir, 'wizard.json'));

export const fileProgressStore = (file: SettingsFile): ProgressStore => ({
  load: () => progressOf(file.get('progress')),
  save(progress) {
    const known = progressOf(progress);
    // Only keelson's own code saves: a progress it cannot read back is its bug, not the operator's.
    if (known === null) throw new Error(`wizard progress not saved: it would not load again (${JSON.stringify(progress)})`);
    file.set('progress', known);
  },
  clear() {
    file.delete('progress');
  },
});
