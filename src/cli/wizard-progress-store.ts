// Where an unfinished wizard is kept between runs: conf (projectName keelson → ~/.config/keelson/wizard.json,
// 0600). Only the operator's place and non-secret answers; a file that no longer parses is treated as absent.
import Conf from 'conf';
import { z } from 'zod';
import type { WizardProgress } from '../../screens/controller.js';

const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }),
  z.object({ kind: z.literal('ssh'), destination: z.string().min(1), identity: z.string().min(1).optional() }),
]);

export const progressSchema = z.object({
  target: targetSchema.nullable(),
  stackRef: z.string().nullable(),
  answers: z.record(z.string(), z.string()),
  screen: z.enum(['target', 'stack', 'questions', 'step', 'review']),
  stepIndex: z.number().int().nonnegative(),
  skipped: z.array(z.string()),
  savedAt: z.string(),
});

export interface ProgressStore {
  load(): WizardProgress | null;
  save(progress: WizardProgress): void;
  clear(): void;
}

type Store = Record<string, unknown>;

/** `cwd` for tests (a temp directory); the default is the user's config directory. */
export const createWizardConf = (cwd?: string): Conf<Store> =>
  new Conf<Store>({ projectName: 'keelson', projectSuffix: '', configName: 'wizard', configFileMode: 0o600, ...(cwd === undefined ? {} : { cwd }) });

export const confProgressStore = (conf: Conf<Store>): ProgressStore => ({
  load() {
    const r = progressSchema.safeParse(conf.get('progress'));
    return r.success ? r.data : null;
  },
  save(progress) {
    conf.set('progress', progressSchema.parse(progress));
  },
  clear() {
    conf.delete('progress');
  },
});
