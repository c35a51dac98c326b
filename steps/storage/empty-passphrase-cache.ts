// The empty-passphrase test runs the key derivation of every key slot (about 2 s a slot on real hardware, 20 s on
// the emulated test VM): the slowest probe of a plan, paid on every re-run. Its result depends on the LUKS header
// alone, so it is remembered on the host in a file named by the sha256 of the whole header (cryptsetup
// luksHeaderBackup: the metadata AND every key slot's key material; any luksAddKey, luksKillSlot, luksChangeKey or
// token change gives it another name). Only "refused" is remembered: an empty passphrase that opens is a blocker.
// The plan only reads the entry; apply writes it, as a planned and journaled state.write.
import type { Action } from '../../src/engine/action.js';
import type { ProbeOutput } from '../../src/facts/fact.js';
import type { LuksDevice } from './volume-probe.js';

/** Kept out of the deployment record: one file per header digest, root-only. */
export const EMPTY_PASSPHRASE_CACHE_DIR = '/var/lib/keelson/cache/luks-empty-passphrase';
export const emptyPassphraseCachePath = (digest: string): string => `${EMPTY_PASSPHRASE_CACHE_DIR}/${digest}`;

const ENTRY = 'refused\n# An empty passphrase did not open the LUKS header whose sha256 names this file (tested by keelson plan).\n';

export interface EmptyPassphraseCache {
  /** sha256 of the LUKS header (luksHeaderBackup), as the host computed it. */
  readonly digest: string;
  /** The host had an entry for this header: the test did not run again. */
  readonly hit: boolean;
}

/**
 * sh for the volume probe's loop over LUKS devices ($dev; the cache directory in $c_dir): prints the section
 * "empty-cache:$dev" ("hit DIGEST" or "miss DIGEST") and, on a hit, `continue`s past the test. When the header cannot
 * be backed up (no space for it, an old cryptsetup), there is no section and the test runs as it always did.
 */
export const EMPTY_CACHE_LOOKUP_SH = `  k_hdr=; k_hn=$((\${k_hn:-0} + 1))
  # A new file per device (luksHeaderBackup will not overwrite one); a header's key slots are removed at once.
  if cryptsetup luksHeaderBackup --header-backup-file "$k_d/hdr$k_hn" -- "$dev" >/dev/null 2>&1; then k_hdr=$(sha256sum <"$k_d/hdr$k_hn") && k_hdr=\${k_hdr%% *} || k_hdr=; fi
  rm -f "$k_d/hdr$k_hn"
  if [ -n "$k_hdr" ]; then
    c_v=; [ -f "$c_dir/$k_hdr" ] && read -r c_v <"$c_dir/$k_hdr"
    if [ "$c_v" = refused ]; then printf 'hit %s' "$k_hdr" >"$k_d/o"; else printf 'miss %s' "$k_hdr" >"$k_d/o"; fi
    : >"$k_d/e"; k_emit "empty-cache:$dev" 0
    [ "$c_v" = refused ] && continue
  fi`;

export const parseEmptyPassphraseCache = (o: ProbeOutput | undefined): EmptyPassphraseCache | null => {
  const m = o === undefined ? null : /^(hit|miss) ([0-9a-f]{64})$/.exec(o.stdout.trim());
  return m === null || m[2] === undefined ? null : { digest: m[2], hit: m[1] === 'hit' };
};

/** A state.write for each header tested now and refused: the next plan finds the entry and skips the derivation. */
export const emptyPassphraseCacheActions = (devices: readonly LuksDevice[]): Action[] =>
  devices.flatMap((d) =>
    d.emptyPassphraseCache?.hit === false && d.emptyPassphrase.result === 'refused'
      ? [
          {
            kind: 'state.write' as const,
            description: `remember that ${d.path}'s LUKS header (sha256 ${d.emptyPassphraseCache.digest.slice(0, 12)}…) refuses an empty passphrase: the next plan tests again only if the header changes`,
            path: emptyPassphraseCachePath(d.emptyPassphraseCache.digest),
            content: ENTRY,
          },
        ]
      : [],
  );
