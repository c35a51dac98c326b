// The collected answers → the bundle's files (before redaction), bounded: each file and the whole bundle have a size
// cap, and what did not fit is named in the README, not silently dropped. Podman's inspect keeps only allowlisted
// fields: a container's environment is never collected (plain Environment= is not masked by Podman, #23788). Pure.
import type { ProbeOutput } from '../../facts/fact.js';
import type { CollectItem } from './collect-list.js';

export const MAX_FILE_BYTES = 2 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 24 * 1024 * 1024;

export interface BundleFile {
  readonly name: string;
  readonly text: string;
}

export interface BundleFiles {
  readonly files: readonly BundleFile[];
  /** Files cut at MAX_FILE_BYTES, and files left out once MAX_TOTAL_BYTES was reached. */
  readonly truncated: readonly string[];
  readonly left: readonly string[];
}

type Json = Record<string, unknown>;
const pick = (o: unknown, keys: readonly string[]): Json =>
  Object.fromEntries(keys.flatMap((k) => (typeof o === 'object' && o !== null && k in o ? [[k, (o as Json)[k]]] : [])));

/** The fields of `podman inspect` a support engineer needs, and nothing that holds values (Env, CreateCommand with its --env flags, Annotations, Labels). */
export const safeInspect = (stdout: string): string => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return stdout.trim() === '' ? '[]\n' : '"podman inspect printed no JSON"\n';
  }
  const list = Array.isArray(parsed) ? parsed : [];
  const safe = list.map((c: unknown) => {
    const top = pick(c, ['Id', 'Name', 'Created', 'ImageName', 'Image', 'RestartCount', 'Driver', 'OCIRuntime', 'Mounts']);
    const state = pick((c as Json).State, ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt', 'Health']);
    const config = pick((c as Json).Config, ['User', 'Cmd', 'Entrypoint', 'WorkingDir', 'Healthcheck', 'StopSignal']);
    const host = pick((c as Json).HostConfig, ['NetworkMode', 'PortBindings', 'ReadonlyRootfs', 'CapAdd', 'CapDrop', 'SecurityOpt', 'GroupAdd', 'UsernsMode', 'RestartPolicy']);
    const networks = pick((c as Json).NetworkSettings, ['Networks', 'Ports']);
    return { ...top, State: state, Config: config, HostConfig: host, NetworkSettings: networks };
  });
  return `${JSON.stringify(safe, null, 2)}\n`;
};

const textOf = (item: CollectItem, o: ProbeOutput | undefined): string => {
  if (o === undefined) return '# no answer from the host\n';
  const body = item.inspect === true && o.exitCode === 0 ? safeInspect(o.stdout) : o.stdout;
  return o.exitCode === 0 ? body : `${body}${body === '' || body.endsWith('\n') ? '' : '\n'}# exit ${o.exitCode}: ${o.stderr.trim()}\n`;
};

const cut = (text: string, max: number): string => {
  const b = Buffer.from(text);
  return b.length <= max ? text : `${b.subarray(0, max).toString('utf8')}\n# cut at ${max} bytes by keelson's support bundle\n`;
};

/** The shipped items' answers plus the named extra files (doctor.json, record.json), capped, in the given order. */
export const bundleFiles = (extra: readonly BundleFile[], items: readonly CollectItem[], answers: ReadonlyMap<string, ProbeOutput>): BundleFiles => {
  const wanted = [...extra, ...items.filter((i) => i.ship).map((i) => ({ name: i.file, text: textOf(i, answers.get(i.fact.id)) }))];
  const files: BundleFile[] = [];
  const truncated: string[] = [];
  const left: string[] = [];
  let total = 0;
  for (const f of wanted) {
    const text = cut(f.text, MAX_FILE_BYTES);
    if (text !== f.text) truncated.push(f.name);
    const size = Buffer.byteLength(text);
    if (total + size > MAX_TOTAL_BYTES) {
      left.push(f.name);
      continue;
    }
    total += size;
    files.push({ name: f.name, text });
  }
  return { files, truncated, left };
};
