// Where an unfinished wizard is kept between runs: ~/.config/keelson/wizard.json (0600), under "progress". Only the
// operator's place and non-secret answers; a file that no longer parses is treated as absent. zod's mini build: the
// Welcome reads this before its first frame, and zod's full API is 450 KB to compile there.
import * as z from 'zod/mini';
import { join } from 'node:path';
import type { WizardProgress } from '../../screens/controller.js';
import { keelsonConfigDir, openSettingsFile, type SettingsFile } from '../host/settings-file.js';

const nonEmpty = () => z.string().check(z.minLength(1));

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('ssh'), destination: nonEmpty(), identity: z.optional(nonEmpty()) }),
]);

export const progressSchema = z.object({
  target: z.nullable(targetSchema),
  stackRef: z.nullable(z.string()),
  answers: z.record(z.string(), z.string()),
  screen: z.enum(['target', 'stack', 'questions', 'step', 'review']),
  stepIndex: z.int().check(z.nonnegative()),
  skipped: z.array(z.string()),
  savedAt: z.string(),
});

export interface ProgressStore {
  load(): WizardProgress | null;
  save(progress: WizardProgress): void;
  clear(): void;
}

/** `dir` for tests (a temp directory); the default is the user's config directory. */
export const wizardSettingsFile = (dir: string = keelsonConfigDir()): SettingsFile => openSettingsFile(join(dir, 'wizard.json'));

export const fileProgressStore = (file: SettingsFile): ProgressStore => ({
  load() {
    const r = progressSchema.safeParse(file.get('progress'));
    return r.success ? r.data : null;
  },
  save(progress) {
    file.set('progress', progressSchema.parse(progress));
  },
  clear() {
    file.delete('progress');
  },
});
