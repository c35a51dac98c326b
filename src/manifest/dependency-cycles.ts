// requires/wants and target members become Requires=/Wants= with After=: a cycle among them is an ordering cycle,
// and systemd breaks it by dropping a job at random at every boot. Refused at load, with the whole cycle shown.

interface Unit {
  readonly path: 'containers' | 'targets';
  readonly index: number;
  /** Each edge with the list it comes from. */
  readonly edges: readonly { readonly to: string; readonly list: string; readonly at: number }[];
}

export interface CycleIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

interface GraphInput {
  readonly containers: readonly { readonly name: string; readonly requires: readonly string[]; readonly wants: readonly string[] }[];
  readonly targets: readonly { readonly name: string; readonly members: readonly string[]; readonly requires: readonly string[] }[];
}

const listEdges = (lists: Record<string, readonly string[]>) =>
  Object.entries(lists).flatMap(([list, names]) => names.map((to, at) => ({ to, list, at })));

export const dependencyCycles = (m: GraphInput): CycleIssue[] => {
  const units = new Map<string, Unit>();
  m.containers.forEach((c, index) => units.set(c.name, { path: 'containers', index, edges: listEdges({ requires: c.requires, wants: c.wants }) }));
  m.targets.forEach((t, index) => units.set(t.name, { path: 'targets', index, edges: listEdges({ members: t.members, requires: t.requires }) }));
  const state = new Map<string, 'open' | 'done'>();
  const issues: CycleIssue[] = [];
  // Iterative depth-first search: each unit and edge is visited once, whatever the manifest's size.
  for (const root of units.keys()) {
    if (state.has(root)) continue;
    const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const unit = units.get(top.name);
      const edge = unit?.edges[top.next];
      if (unit === undefined || edge === undefined) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      top.next += 1;
      const seen = state.get(edge.to);
      if (seen === 'open') {
        const from = stack.findIndex((s) => s.name === edge.to);
        const cycle = [...stack.slice(from).map((s) => s.name), edge.to].map((n) => `"${n}"`).join(' → ');
        issues.push({ path: [unit.path, unit.index, edge.list, edge.at], message: `${cycle} is a dependency cycle: systemd cannot order these units; drop one of these requires/wants/members` });
      } else if (seen === undefined && units.has(edge.to)) {
        state.set(edge.to, 'open');
        stack.push({ name: edge.to, next: 0 });
      }
    }
  }
  return issues;
};
