// The optional LUKS setup is off unless the operator asks for it, per host, by naming the empty disk:
// `--setup-luks DEVICE` (headless; typing the path is the confirmation) or the wizard's device screen, where the
// operator types the path again to confirm. Both land in the answers under ids no stack question can have
// (question ids never contain "."), so the request travels with a saved plan like any other answer.
import type { Answers } from '../../src/engine/step.js';
import { isUnder } from './is-under.js';

export const LUKS_DEVICE_ANSWER = 'keelson.luks-device';
/** Where the generated key is written (root-only, 0400) for /etc/crypttab; default /etc/cryptsetup-keys.d/NAME.key. */
export const LUKS_KEY_FILE_ANSWER = 'keelson.luks-key-file';

/** The blocker an unencrypted data mount gets, which the setup (on an empty disk) answers: the wizard offers it there. */
export const NOT_ENCRYPTED = 'data-not-encrypted';

/** What a LUKS request puts in the answers; per host, so it is never saved for a replay elsewhere. */
export const isLuksAnswer = (id: string): boolean => id === LUKS_DEVICE_ANSWER || id === LUKS_KEY_FILE_ANSWER;

export interface LuksSetupRequest {
  readonly device: string;
  readonly keyFile: string;
  /** The dm name: /dev/mapper/NAME, and the crypttab entry's name. */
  readonly mapperName: string;
}

export type SetupRequestState =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly why: string }
  | ({ readonly kind: 'asked' } & LuksSetupRequest);

const DEVICE = /^\/dev\/[A-Za-z0-9._:@+-]+(?:\/[A-Za-z0-9._:@+-]+)*$/;
const PATH = /^\/[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*$/;
const hasDotSegment = (p: string) => p.split('/').some((s) => s === '.' || s === '..');
// Gone after a reboot (tmpfs) or not a place for files at all.
const VOLATILE_DIRS = ['/tmp', '/run', '/var/tmp', '/dev', '/proc', '/sys'];

/** "/home" → "home", "/srv/data" → "srv-data". */
export const mapperNameFor = (mount: string): string => mount.slice(1).replaceAll('/', '-');

export const defaultKeyFile = (mapperName: string): string => `/etc/cryptsetup-keys.d/${mapperName}.key`;

export const luksSetupRequest = (answers: Answers, dataMount: string): SetupRequestState => {
  const device = answers[LUKS_DEVICE_ANSWER];
  if (device === undefined || device === '') return { kind: 'none' };
  if (!DEVICE.test(device) || hasDotSegment(device)) {
    return { kind: 'invalid', why: `"${device}" is not a device path like /dev/disk/by-id/virtio-data or /dev/vdb` };
  }
  if (dataMount === '/') return { kind: 'invalid', why: 'the data mount is "/": the running root filesystem cannot be moved onto a new volume' };
  const mapperName = mapperNameFor(dataMount);
  const keyFile = answers[LUKS_KEY_FILE_ANSWER] ?? defaultKeyFile(mapperName);
  if (!PATH.test(keyFile) || hasDotSegment(keyFile)) {
    return { kind: 'invalid', why: `the key file "${keyFile}" is not an absolute path of letters, digits and . _ @ + -` };
  }
  if (isUnder(keyFile, dataMount)) {
    return { kind: 'invalid', why: `the key file ${keyFile} would sit inside ${dataMount}, which it has to open: put it on the root filesystem` };
  }
  const volatile = VOLATILE_DIRS.find((d) => isUnder(keyFile, d));
  if (volatile !== undefined) return { kind: 'invalid', why: `the key file ${keyFile} is under ${volatile}, which does not survive a reboot` };
  return { kind: 'asked', device, keyFile, mapperName };
};
