// One stack's share of the doctor script's sections, typed: its units' properties, its containers and images as
// Podman lists them, its managed files as they are on the host, and the journal of each unit that is not well.
import { z } from 'zod';
import type { ProbeOutput } from '../../facts/fact.js';
import { parseJsonAs } from '../../facts/parse-json.js';
import { parseShowBlocks } from '../../facts/unit-states.js';
import type { Scope } from '../../engine/action.js';
import { ownerScope } from '../../engine/scope.js';
import { scopeKey, stackUnits, type StackView } from './record-view.js';
import type { StackSections } from './stack-probe.js';

const psSchema = z.array(
  z.looseObject({
    Names: z.array(z.string()).nullish(),
    Image: z.string().nullish(),
    ImageID: z.string().nullish(),
    State: z.string().nullish(),
    Status: z.string().nullish(),
    ExitCode: z.number().nullish(),
  }),
);
const imagesSchema = z.array(z.looseObject({ Id: z.string(), Names: z.array(z.string()).nullish() }));

export interface ContainerSeen {
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  readonly state: string;
  /** "Up 3 minutes (healthy)": Podman's words, health in brackets. */
  readonly status: string;
}

export interface StackFacts {
  readonly stack: StackView;
  readonly scope: Scope;
  /** The stack's units by name; a unit the manager was not asked about (no answer) is absent. */
  readonly units: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Why the manager could not be asked; null when it answered. */
  readonly unitsError: string | null;
  readonly containers: readonly ContainerSeen[] | null;
  readonly images: readonly { readonly id: string; readonly names: readonly string[] }[] | null;
  /** Container name → the supplementary GIDs of its main process. */
  readonly processGroups: ReadonlyMap<string, readonly number[]>;
  /** The paths the script read from the record: a managed file not among them was not looked at. */
  readonly probedPaths: ReadonlySet<string>;
  readonly content: (path: string) => string | null;
  readonly section: (name: string) => ProbeOutput | undefined;
  readonly journal: (unit: string) => readonly string[];
}

const firstLineOf = (o: ProbeOutput): string => (o.stderr.trim() || o.stdout.trim()).split('\n')[0] ?? `exit ${o.exitCode}`;

const containersOf = (o: ProbeOutput | undefined): ContainerSeen[] | null => {
  if (o?.exitCode !== 0) return null;
  const list = parseJsonAs(psSchema, o.stdout.trim() === '' ? '[]' : o.stdout);
  return list === null
    ? null
    : list.map((c) => ({ name: c.Names?.[0] ?? '', image: c.Image ?? '', imageId: c.ImageID ?? '', state: c.State ?? '', status: c.Status ?? '' }));
};

const imagesOf = (o: ProbeOutput | undefined) => {
  if (o?.exitCode !== 0) return null;
  const list = parseJsonAs(imagesSchema, o.stdout.trim() === '' ? '[]' : o.stdout);
  return list === null ? null : list.map((i) => ({ id: i.Id, names: i.Names ?? [] }));
};

const groupsOf = (o: ProbeOutput | undefined): Map<string, number[]> =>
  new Map(
    (o?.stdout ?? '').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const [name = '', ...gids] = l.trim().split(/\s+/);
      return [name, gids.map(Number).filter(Number.isFinite)] as const;
    }),
  );

export const stackFacts = (stack: StackView, sections: StackSections): StackFacts => {
  const key = scopeKey(stack);
  const scope: Scope = ownerScope(stack.owner);
  const wanted = new Set(stackUnits(stack));
  const shown = sections.get(`units:${key}`);
  const units = new Map<string, ReadonlyMap<string, string>>();
  for (const props of parseShowBlocks(shown?.stdout ?? '')) {
    const id = props.get('Id');
    if (id !== undefined && wanted.has(id)) units.set(id, props);
  }
  const noUser = stack.owner !== null && sections.has(`no-user:${stack.owner}`);
  const unitsError = noUser ? `the owner ${stack.owner} does not exist` : shown === undefined ? 'the manager was not asked' : shown.exitCode === 0 ? null : firstLineOf(shown);
  return {
    stack,
    scope,
    units,
    unitsError,
    containers: containersOf(sections.get(`podman-ps:${key}`)),
    images: imagesOf(sections.get(`podman-images:${key}`)),
    processGroups: groupsOf(sections.get(`groups:${key}`)),
    probedPaths: new Set((sections.get('paths')?.stdout ?? '').split('\n').filter((l) => l !== '')),
    content: (path) => sections.get(`file:${path}`)?.stdout ?? null,
    section: (name) => sections.get(name),
    journal: (unit) => (sections.get(`journal:${key}:${unit}`)?.stdout ?? '').split('\n').filter((l) => l.trim() !== ''),
  };
};

/** The values of KEY= in a unit file's text (every section), in order. */
export const unitValues = (text: string, key: string): string[] =>
  text.split('\n').flatMap((l) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(l);
    return m?.[1] === key && m[2] !== undefined ? [m[2]] : [];
  });
