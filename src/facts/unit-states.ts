// `systemctl show -p Id -p ActiveState … A B…` prints one block of KEY=VALUE lines per unit, blank lines between.
// Read by the Quadlet step (is the stack running?) and by the apply's wait for a healthy stack.

export interface UnitState {
  readonly id: string;
  /** active, activating, deactivating, inactive, failed, reloading; "" when not asked. */
  readonly active: string;
  readonly sub: string;
  readonly result: string;
  /** Automatic restarts (Restart=) since the unit was last started by hand. */
  readonly restarts: number;
}

/** Each unit's block as KEY → VALUE (values trimmed). */
export const parseShowBlocks = (stdout: string): ReadonlyMap<string, string>[] =>
  stdout.split(/\n\s*\n/).map((block) => {
    const props = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trim());
    }
    return props;
  });

export const parseUnitStates = (stdout: string): UnitState[] =>
  parseShowBlocks(stdout)
    .map((props) => {
      const restarts = Number(props.get('NRestarts') ?? '0');
      return {
        id: props.get('Id') ?? '',
        active: props.get('ActiveState') ?? '',
        sub: props.get('SubState') ?? '',
        result: props.get('Result') ?? '',
        restarts: Number.isFinite(restarts) ? restarts : 0,
      };
    })
    .filter((u) => u.id !== '');
