// Which accounts keelson itself created, and for which stack: a record per account under /var/lib/keelson/accounts,
// written by the executor right after groupadd/useradd, plus the users and groups of the deployment record
// (hosts deployed before the records existed). An existing account that is in neither is not the stack's to take.
import type { Fact } from '../../src/facts/fact.js';
import { parseRecord } from '../../src/state/parse-record.js';

export const CREATED_ACCOUNTS_DIR = '/var/lib/keelson/accounts';

export type AccountKind = 'user' | 'group';

export interface CreatedAccount {
  readonly kind: AccountKind;
  readonly name: string;
  readonly stack: string;
}

/** The record's file: one per account, holding the stack's name. */
export const createdAccountPath = (kind: AccountKind, name: string): string => `${CREATED_ACCOUNTS_DIR}/${kind}-${name}`;

// "KIND-NAME<TAB>STACK" per record.
const LIST = 'cd "$1" 2>/dev/null || exit 0; for f in user-* group-*; do [ -f "$f" ] && printf "%s\\t%s\\n" "$f" "$(head -n 1 "$f")"; done; exit 0';

export const parseCreatedAccounts = (text: string): CreatedAccount[] =>
  text.split('\n').flatMap((l) => {
    const m = /^(user|group)-([a-z_][a-z0-9_-]*)\t([a-z][a-z0-9-]*)$/.exec(l.trim());
    return m?.[1] === undefined || m[2] === undefined || m[3] === undefined ? [] : [{ kind: m[1] as AccountKind, name: m[2], stack: m[3] }];
  });

export const createdAccountsFact: Fact<CreatedAccount[]> = {
  id: 'keelson-created-accounts',
  probe: { sh: LIST, args: [CREATED_ACCOUNTS_DIR] },
  parse: (o) => parseCreatedAccounts(o.stdout),
};

/** The accounts of the deployment record (state.json), as created records. */
export const recordedAccounts = (stateText: string | null): CreatedAccount[] => {
  const state = parseRecord(stateText);
  if (state.kind !== 'present') return [];
  return Object.values(state.record.stacks).flatMap((s) => [
    ...s.users.map((u) => ({ kind: 'user' as const, name: u.name, stack: s.stack })),
    ...s.groups.map((g) => ({ kind: 'group' as const, name: g.name, stack: s.stack })),
  ]);
};

/** Who created this account, if keelson did: `stack` itself when it did so for that stack, else the other stack. */
export const creatorOf = (created: readonly CreatedAccount[], kind: AccountKind, name: string, stack: string): string | undefined => {
  const mine = created.filter((c) => c.kind === kind && c.name === name);
  return mine.some((c) => c.stack === stack) ? stack : mine[0]?.stack;
};
