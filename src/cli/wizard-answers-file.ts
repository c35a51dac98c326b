// The answers file `keelson plan|apply --answers FILE` replays (`stack:` + `answers:`), and the asked secrets
// apart in a 0600 file for `--secrets FILE`. The replay command is written at the top of the answers file.
import { stringify } from 'yaml';
import { writeWorkstationFile } from '../host/workstation-files.js';
import type { Answers } from '../engine/step.js';
import { shellWord } from './keelson-command.js';

export const secretsPathFor = (answersPath: string): string => `${answersPath.replace(/\.(ya?ml|json)$/, '')}.secrets.yaml`;

export const replayCommand = (o: {
  /** How the operator starts keelson from where they are (keelsonCommand): "keelson", "npm run keelson --". */
  readonly keelson: string;
  readonly stackRef: string;
  readonly answersPath: string;
  readonly secretsPath: string | null;
  readonly host?: string;
  readonly identity?: string;
}): string =>
  [
    `${o.keelson} apply`,
    `--stack ${shellWord(o.stackRef)}`,
    `--answers ${shellWord(o.answersPath)}`,
    ...(o.secretsPath === null ? [] : [`--secrets ${shellWord(o.secretsPath)}`]),
    ...(o.host === undefined ? [] : [`--host ${shellWord(o.host)}`]),
    ...(o.identity === undefined ? [] : [`--identity ${shellWord(o.identity)}`]),
    '--yes',
  ].join(' ');

/** `stack:` is the stack's name (what --answers checks), not the --stack argument, which may be a path. */
export const answersYaml = (stackName: string, answers: Answers, replay: string): string =>
  `# keelson answers, saved by the wizard. Replay without questions:\n#   ${replay}\n${stringify({ stack: stackName, answers: { ...answers } })}`;

export const secretsYaml = (secrets: Readonly<Record<string, string>>): string =>
  `# keelson secrets: keep this file private (0600); pass it with --secrets.\n${stringify({ secrets: { ...secrets } })}`;

export const writeAnswersFiles = async (o: {
  readonly keelson: string;
  readonly answersPath: string;
  readonly stackRef: string;
  /** The manifest's stack name; defaults to stackRef (a bundled stack's name is both). */
  readonly stackName?: string;
  readonly answers: Answers;
  readonly secrets: Readonly<Record<string, string>>;
  readonly host?: string;
  readonly identity?: string;
}): Promise<{ answersPath: string; secretsPath: string | null; replay: string }> => {
  const secretsPath = Object.keys(o.secrets).length > 0 ? secretsPathFor(o.answersPath) : null;
  const replay = replayCommand({ keelson: o.keelson, stackRef: o.stackRef, answersPath: o.answersPath, secretsPath, ...(o.host === undefined ? {} : { host: o.host }), ...(o.identity === undefined ? {} : { identity: o.identity }) });
  // The secrets first: an answers file that names a secrets file which was never written would mislead.
  if (secretsPath !== null) await writeWorkstationFile(secretsPath, secretsYaml(o.secrets), 0o600);
  await writeWorkstationFile(o.answersPath, answersYaml(o.stackName ?? o.stackRef, o.answers, replay), 0o644);
  return { answersPath: o.answersPath, secretsPath, replay };
};
