// The hostile tester's generator: seeded mutations of the bundled stacks (assets/stacks, test/fixtures/stacks), of
// answers files and of secrets files, each run through the real loaders and the real renderer. Every case ends in
// a clear refusal naming a field, or in units that keep the golden files' rules: no control or invisible
// characters, every generated name unique, every path the stack's. Never a crash, never a second.
// Shared by the property test (npm test, 2,000+ cases) and test/bench/fuzz-manifests.ts (100,000).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseValuesFile } from '../../src/cli/values-file.js';
import { resolveAnswers } from '../../src/engine/answers.js';
import type { Resolved } from '../../src/engine/step.js';
import { parseManifest } from '../../src/manifest/load-manifest.js';
import { reservedRunDir } from '../../src/manifest/reserved.js';
import { manifestSchema, type Manifest } from '../../src/manifest/schema.js';
import { RenderError } from '../../steps/quadlet/render-context.js';
import { renderStack } from '../../steps/quadlet/render-stack.js';
import { renderTmpfiles } from '../../steps/sockets/tmpfiles.js';

const ROOT = join(import.meta.dirname, '../..');

/** Every bundled stack's text, by file. */
export const sources = (): { file: string; text: string }[] => [
  ...readdirSync(join(ROOT, 'assets/stacks')).map((d) => join(ROOT, 'assets/stacks', d, 'manifest.yaml')),
  ...readdirSync(join(ROOT, 'test/fixtures/stacks')).map((f) => join(ROOT, 'test/fixtures/stacks', f)),
].map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export const rng = (seed: number) => {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T };
};
type Rng = ReturnType<typeof rng>;

const HOSTILE = [
  '', ' ', '"', "'", '\\', ';', '$(reboot)', '`id`', '${HOME}', '%h', '%%', '\n', '\r', '\t', 'a\nb', '\u001b[2J', '\u009b31m',
  '\u202e', '\u2066x\u2069', '\u200b', '\ufeff', '\u2028', '..', '../etc', '/', '/run/sshd', '/run/systemd/x', '/run/user/0', '/etc/passwd',
  'sudo', 'root', 'adm', 'docker', 'wheel', '0', '0:0', '00', '-1', '99999999999', '12345678901234567890', '0x1F', '1e99', 'null', 'true',
  '{{ answers.greeting }}', '{{ answers.Bad_Id }}', '{{answers.nope}}', '{{', 'é', '漢字', '🙂', 'A'.repeat(300), 'a'.repeat(5000),
  '(a+)+', '[', '(?=a)', '\\1', 'backend', 'demo-backend', 'data', 'token', 'web', 'x-network', '127.0.0.1:80:80', '0.0.0.0:22:22',
];

type Json = unknown;
type Path = (string | number)[];

/** Every place in a parsed value: paths to objects, arrays and scalars alike. */
const places = (v: Json, path: Path = [], out: Path[] = []): Path[] => {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => places(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) places(x, [...path, k], out);
  return out;
};

const get = (v: Json, path: Path): Json => path.reduce<Json>((x, k) => (x as Record<string | number, Json> | null)?.[k], v);
const set = (root: Json, path: Path, value: Json): Json => {
  if (path.length === 0) return value;
  const parent = get(root, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) (parent as Record<string | number, Json>)[path[path.length - 1] ?? ''] = value;
  return root;
};

const hostileValue = (r: Rng, near: Json): Json => {
  switch (r.int(8)) {
    case 0: return r.int(3) === 0 ? null : r.pick([0, -1, 1e21, 0.5, true, false]);
    case 1: return [r.pick(HOSTILE)];
    case 2: return { [r.pick(HOSTILE)]: r.pick(HOSTILE) };
    case 3: return typeof near === 'string' ? `${near}${r.pick(HOSTILE)}` : r.pick(HOSTILE);
    case 4: return typeof near === 'string' ? `${r.pick(HOSTILE)}${near}` : r.pick(HOSTILE);
    default: return r.pick(HOSTILE);
  }
};

/** One structural or value mutation of a parsed manifest (mutates and returns it). */
const mutateValue = (r: Rng, doc: Json): Json => {
  const all = places(doc);
  const path = r.pick(all);
  const here = get(doc, path);
  const stack = typeof doc === 'object' && doc !== null ? (doc as { stack?: unknown }).stack : undefined;
  switch (r.int(7)) {
    case 0: // delete a key or an element
      if (path.length > 0) {
        const parent = get(doc, path.slice(0, -1));
        const k = path[path.length - 1] as string | number;
        if (Array.isArray(parent) && typeof k === 'number') parent.splice(k, 1);
        else if (typeof parent === 'object' && parent !== null) Reflect.deleteProperty(parent, k);
      }
      return doc;
    case 1: // duplicate an element (two of the same name), or prefix a name with the stack's (collisions)
      if (Array.isArray(here) && here.length > 0) {
        const copy: Json = structuredClone(r.pick(here as Json[]));
        if (typeof copy === 'object' && copy !== null && 'name' in copy && typeof stack === 'string' && r.int(2) === 0) (copy as { name: string }).name = `${stack}-${String((copy).name)}`;
        here.push(copy);
      }
      return doc;
    case 2: // an unknown key
      if (typeof here === 'object' && here !== null && !Array.isArray(here)) (here as Record<string, Json>)[r.pick(HOSTILE) || 'x'] = r.pick(HOSTILE);
      return doc;
    case 3: // a dependency back to the first container (cycles)
      if (typeof here === 'object' && here !== null && 'requires' in here && Array.isArray((here).requires)) {
        const containers: unknown = (doc as { containers?: unknown }).containers;
        const first = Array.isArray(containers) ? (containers[0] as { name?: unknown } | undefined)?.name : undefined;
        (here as { requires: Json[] }).requires.push(first);
      }
      return doc;
    default:
      return set(doc, path, hostileValue(r, here));
  }
};

/** A manifest text: some mutations of the parsed value, sometimes a raw cut or insertion into the text. */
export const mutatedManifest = (r: Rng, source: string): string => {
  if (r.int(10) === 0) {
    const at = r.int(source.length);
    return r.int(2) === 0 ? source.slice(0, at) : `${source.slice(0, at)}${r.pick(HOSTILE)}${source.slice(at)}`;
  }
  let doc: Json = parse(source, { version: '1.2' });
  for (let i = 0, n = 1 + r.int(3); i < n; i++) doc = mutateValue(r, doc);
  return stringify(doc, { version: '1.2', lineWidth: 0 });
};

const idsFor = (m: Manifest): Resolved => ({
  users: Object.fromEntries([...(m.owner === undefined ? [] : [m.owner]), ...m.users.map((u) => u.name)].map((n, i) => [n, { uid: 2000 + i, gid: 2000 + i, home: `/home/${n}` }])),
  groups: Object.fromEntries([...m.groups.map((g) => g.name), ...m.users.flatMap((u) => u.groups)].map((n, i) => [n, 3000 + i])),
});

// What the golden files hold: one line per entry, no control character but \n, nothing invisible.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSEEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9@._-]*\.(container|network|volume|target)$/;

export type Outcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly field: string }
  | { readonly kind: 'violation'; readonly why: string };

const TOP = new Set(Object.keys(manifestSchema.shape));
/** The top-level field an error is about: its bucket in the counts. */
const fieldOf = (path: string): string => {
  if (path === '') return '(file)';
  const top = /^[A-Za-z_]+/.exec(path)?.[0] ?? '';
  return TOP.has(top) ? top : '(unknown key)';
};

/** The golden rules over what the renderer wrote for an accepted manifest. */
const unitViolations = (m: Manifest, answers: Readonly<Record<string, string>>): string | null => {
  for (const podman of [{ major: 4, minor: 9 }, { major: 5, minor: 5 }]) {
    let rendered;
    try {
      rendered = renderStack(m, { podman, selinux: podman.minor === 5, resolved: idsFor(m), answers });
    } catch (e) {
      if (e instanceof RenderError && e.where !== '') return null; // a blocker naming the field, at plan time
      throw e;
    }
    const names = new Set<string>();
    for (const f of rendered.files) {
      if (!FILE_NAME.test(f.name)) return `file name ${JSON.stringify(f.name)}`;
      if (names.has(`${f.dir}/${f.name}`)) return `two files named ${f.dir}/${f.name}`;
      names.add(`${f.dir}/${f.name}`);
      if (UNSEEN.test(f.content)) return `a control or invisible character in ${f.name}`;
    }
  }
  for (const line of renderTmpfiles(m).split('\n').filter((l) => l.startsWith('d '))) {
    const dir = line.split(' ')[1] ?? '';
    if (!dir.startsWith('/run/') || reservedRunDir(dir) !== undefined) return `socket directory ${dir}`;
  }
  return null;
};

export const checkManifest = (text: string): Outcome => {
  const r = parseManifest(text, 'fuzz.yaml');
  if (!r.ok) {
    const bad = r.errors.find((e) => e.message === '' || e.line < 1 || e.column < 1);
    if (bad !== undefined) return { kind: 'violation', why: `an unclear error ${JSON.stringify(bad)}` };
    return { kind: 'refused', field: fieldOf(r.errors[0]?.path ?? '') };
  }
  const answers = resolveAnswers(r.manifest, {});
  const given = answers.ok ? answers.answers : Object.fromEntries(r.manifest.questions.map((q) => [q.id, 'x']));
  const why = unitViolations(r.manifest, given);
  return why === null ? { kind: 'accepted' } : { kind: 'violation', why };
};

/** An answers or secrets file: the loaders answer with text values or a UsageError, nothing else. */
export const valuesFile = (r: Rng, key: 'answers' | 'secrets', ids: readonly string[]): string => {
  const values: Record<string, Json> = {};
  for (const id of ids) values[id] = r.int(3) === 0 ? hostileValue(r, 'x') : 'value';
  if (r.int(3) === 0) values[r.pick(HOSTILE) || 'k'] = r.pick(HOSTILE);
  const doc: Json = { stack: r.int(5) === 0 ? r.pick(HOSTILE) : 'demo', [key]: r.int(10) === 0 ? r.pick(HOSTILE) : values };
  const text = stringify(doc, { version: '1.2' });
  if (r.int(8) !== 0) return text;
  const at = r.int(text.length);
  return `${text.slice(0, at)}${r.pick(HOSTILE)}${text.slice(at)}`;
};

export const checkValuesFile = (text: string, key: 'answers' | 'secrets', m: Manifest): Outcome => {
  try {
    const parsed = parseValuesFile(text, `${key}.yaml`, key);
    if (Object.values(parsed.values).some((v) => typeof v !== 'string')) return { kind: 'violation', why: 'a value that is not text' };
    if (key === 'answers') {
      const r = resolveAnswers(m, parsed.values);
      const known = new Set(m.questions.map((q) => q.id));
      return r.ok ? { kind: 'accepted' } : { kind: 'refused', field: known.has(r.problems[0]?.id ?? '') ? 'an answer' : 'an unknown question' };
    }
    return { kind: 'accepted' };
  } catch (e) {
    if (e instanceof Error && e.name === 'UsageError' && e.message.startsWith(`${key}.yaml:`)) return { kind: 'refused', field: `${key} file` };
    throw e;
  }
};
