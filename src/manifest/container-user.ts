// Who a container runs as inside, as the manifest says it ("UID[:GID]" or a name).

/** "0", "00", "0:0", "root": every spelling of UID 0 counts, so "00" cannot slip past the rootReason rule. */
export const isRootUser = (user: string): boolean => user === 'root' || /^0+(?::|$)/.test(user);
