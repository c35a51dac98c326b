// Which running containers an upgrade restarts, and in which order: those whose unit means something new, plus every
// container that Requires= one of them (systemd restarts those too, so the operator is told), dependencies first.
// Containers the new version adds are started, not restarted; removed ones are stopped. Pure.
import type { Manifest } from '../../manifest/schema.js';

/** The changed containers and everything that requires them, transitively, in dependency order. */
export const restartSet = (m: Manifest, changed: ReadonlySet<string>): string[] => {
  const set = new Set(changed);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of m.containers) {
      if (!set.has(c.name) && c.requires.some((r) => set.has(r))) {
        set.add(c.name);
        grew = true;
      }
    }
  }
  return inDependencyOrder(m, set);
};

/** The containers of `m` named in `set`, each after what it requires or wants among them (names not in `m` dropped). */
export const inDependencyOrder = (m: Manifest, set: ReadonlySet<string>): string[] => {
  const ordered: string[] = [];
  const visit = (name: string, path: ReadonlySet<string>): void => {
    const c = m.containers.find((x) => x.name === name);
    if (c === undefined || ordered.includes(name) || path.has(name)) return;
    for (const dep of [...c.requires, ...c.wants]) if (set.has(dep)) visit(dep, new Set([...path, name]));
    ordered.push(name);
  };
  for (const c of m.containers) if (set.has(c.name)) visit(c.name, new Set());
  return ordered;
};
