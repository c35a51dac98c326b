// The wizard's way to the storage step's LUKS setup, the same request as headless `--setup-luks DEVICE`: the
// operator names an empty disk and types its path again to confirm. The request only goes into the answers and a
// new plan is made: nothing changes on the host until the Review is confirmed, and the setup itself refuses any
// disk that is not empty (steps/storage/setup.ts, src/apply/executors/luks.ts).
import type { Answers } from '../../src/engine/step.js';
import type { StepPlan } from '../../src/engine/plan.js';
import {
  defaultKeyFile,
  isLuksAnswer,
  LUKS_DEVICE_ANSWER,
  LUKS_KEY_FILE_ANSWER,
  luksSetupRequest,
  mapperNameFor,
  NOT_ENCRYPTED,
} from '../../steps/storage/setup-request.js';

export interface LuksRequest {
  readonly device: string;
  readonly keyFile: string;
}

/** The request in these answers, if any. */
export const requestedLuks = (answers: Answers): LuksRequest | null => {
  const device = answers[LUKS_DEVICE_ANSWER];
  if (device === undefined || device === '') return null;
  return { device, keyFile: answers[LUKS_KEY_FILE_ANSWER] ?? '' };
};

/**
 * What the storage step's screen offers: setting the LUKS setup up where the data mount is not encrypted, changing
 * (or dropping) a setup already asked for; nothing on any other step.
 */
export const luksOffer = (step: StepPlan | undefined, answers: Answers): 'set-up' | 'change' | null => {
  if (step?.id !== 'storage') return null;
  if (requestedLuks(answers) !== null) return 'change';
  return step.findings.some((f) => f.code === NOT_ENCRYPTED) ? 'set-up' : null;
};

export const defaultKeyFileFor = (dataMount: string): string => defaultKeyFile(mapperNameFor(dataMount));

/**
 * What stops the form as typed (null: it may be sent). Changing a request, both paths empty drop it; asking for a
 * new one, the disk must be named.
 */
export const luksFormProblem = (device: string, confirm: string, keyFile: string, dataMount: string, changing = false): string | null => {
  if (device === '' && confirm === '') return changing ? null : 'name the empty disk to encrypt';
  const state = luksSetupRequest({ [LUKS_DEVICE_ANSWER]: device, ...(keyFile === '' ? {} : { [LUKS_KEY_FILE_ANSWER]: keyFile }) }, dataMount);
  if (state.kind === 'invalid') return state.why;
  if (confirm !== device) return confirm === '' ? 'type the device path again to confirm' : 'the two paths differ: type the same device path twice';
  return null;
};

/** The answers with this request in them (null: without any LUKS request). The default key file is not written. */
export const withLuksRequest = (answers: Answers, request: LuksRequest | null, dataMount: string): Answers => {
  const rest = Object.fromEntries(Object.entries(answers).filter(([id]) => !isLuksAnswer(id)));
  if (request === null || request.device === '') return rest;
  const out: Record<string, string> = { ...rest, [LUKS_DEVICE_ANSWER]: request.device };
  if (request.keyFile !== '' && request.keyFile !== defaultKeyFileFor(dataMount)) out[LUKS_KEY_FILE_ANSWER] = request.keyFile;
  return out;
};
