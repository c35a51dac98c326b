// keelson keygen --out NAME: NAME.pub (minisign public key) and NAME.key (minisign secret key, 0600, encrypted unless
// --unencrypted). Neither key is printed; an existing file is never replaced.
import { createWorkstationFile, statWorkstationPath } from '../../host/workstation-files.js';
import { formatPublicKey, formatSecretKey, generateKey, keyIdHex } from '../../manifest/archive/minisign-key.js';
import { UsageError } from '../exit-codes.js';
import { readPassphrase, type PassphraseFlags } from '../passphrase.js';

export interface KeygenFlags extends PassphraseFlags {
  readonly out: string;
  readonly unencrypted?: boolean;
}

export const keygenCommand = async (flags: KeygenFlags): Promise<void> => {
  const pub = `${flags.out}.pub`;
  const key = `${flags.out}.key`;
  for (const path of [pub, key]) {
    if ((await statWorkstationPath(path)) !== null) throw new UsageError(`${path} exists: keelson never replaces a key; choose another --out NAME`);
  }
  const passphrase = flags.unencrypted === true ? undefined : await readPassphrase(flags, key, true);
  const k = generateKey();
  if ((await createWorkstationFile(key, formatSecretKey(k, passphrase), 0o600)) === 'exists') throw new UsageError(`${key} appeared meanwhile: nothing was written`);
  if ((await createWorkstationFile(pub, formatPublicKey(k), 0o644)) === 'exists') throw new UsageError(`${pub} appeared meanwhile: remove ${key} and run keygen again`);
  process.stderr.write(
    `key ${keyIdHex(k.keyId)}: secret key ${key} (0600${passphrase === undefined ? ', NOT encrypted' : ', encrypted'}), public key ${pub}\n` +
      `Give ${pub} to the operators (keelson verify FILE --trust ${pub}; or minisign -V -p ${pub}).\n`,
  );
};
