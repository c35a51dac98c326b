// The stack manifest: one validated file that says what a host should run (the ECS appliance's env.yml idea).
// Every value that can reach a command line, a unit file or a path is constrained here, so hostile strings
// (quotes, `;`, `$(…)`, newlines) are refused with a field path before anything is planned.
import { z } from 'zod';
import { hasInvisible } from '../engine/visible-text.js';
import { compilePattern, MAX_PATTERN_LENGTH } from './answer-pattern.js';
import { answerRefIssues } from './answer-refs.js';
import { isRootUser } from './container-user.js';
import { dependencyCycles } from './dependency-cycles.js';
import { nameClashes } from './generated-names.js';
import { parsePublish, PUBLISH } from './publish.js';
import { privilegedGroupReason, reservedRunDir } from './reserved.js';
import { IMAGE_FILE } from './archive/archive-layout.js';

const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const NAME_HINT = 'lower-case letters, digits and "-", starting with a letter, at most 31 characters';
const USER = /^[a-z_][a-z0-9_-]{0,30}$/;
const USER_HINT = 'a POSIX user or group name: lower-case letters, digits, "_" and "-", at most 31 characters';
// Absolute, no "..", no spaces or shell metacharacters: paths end up in unit files, tmpfiles.d and argv.
// No trailing "/" either, so that a path named twice (sockets[].dir, containers[].sockets) compares equal.
const ABS_PATH = /^\/(?:[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*)?$/;
const ABS_PATH_HINT = 'an absolute path of letters, digits and . _ @ + - only (no spaces, no "..", no trailing "/")';
const hasDotSegment = (p: string) => p.split('/').some((seg) => seg === '.' || seg === '..');
const IMAGE = /^[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9._-]{1,128})?(?:@sha256:[a-f0-9]{64})?$/;
// One line of printable text: may be quoted into a unit file, never a newline or control character.
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are refused.
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;
// Podman reads health intervals with Go's time.ParseDuration: "5m", never systemd's "5min" (podman run fails at start).
const DURATION = /^[1-9][0-9]{0,5}(?:ms|s|m|h)$/;

export const nameSchema = z.string().regex(NAME, NAME_HINT);
export const userNameSchema = z.string().regex(USER, USER_HINT);
export const absPathSchema = z
  .string()
  .max(255)
  .regex(ABS_PATH, ABS_PATH_HINT)
  .refine((p) => !hasDotSegment(p), 'must not contain "." or ".." segments');
/** One line of free text, at most `max` characters; bidi controls and invisible characters are refused (Trojan Source). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(ONE_LINE, 'must be one line without control characters')
    .refine((s) => !hasInvisible(s), 'must not contain bidi controls or invisible characters (they make text read differently from what it is): remove them');
const oneLine = text(4096);
/** Lists are bounded: no stack needs more, and every rule below stays fast whatever the file holds. */
const list = <T extends z.ZodType>(item: T, max = 100) => z.array(item).max(max);
const idSchema = z.number().int().min(1).max(2_147_483_646);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME_HINT = 'an environment variable name: letters, digits and "_", not starting with a digit';

/** A group a stack may create or join: never one whose members are root in all but name (src/manifest/reserved.ts). */
const groupNameSchema = userNameSchema.superRefine((name, ctx) => {
  const why = privilegedGroupReason(name);
  if (why !== undefined) ctx.addIssue({ code: 'custom', message: `"${name}" is a privileged group (${why}): a stack never joins it; declare a group of its own, e.g. "app-clients"` });
});

const groupSchema = z.strictObject({
  name: groupNameSchema,
  /** Only to adopt a group that must keep a known GID; otherwise the planner picks a free system GID. */
  gid: idSchema.optional(),
  /** The group already exists on the host and the stack may use it (keelson refuses a group it did not create otherwise). */
  adopt: z.boolean().optional().describe('true: the group already exists on the host and this stack may use it as it is.'),
});

const userSchema = z.strictObject({
  name: userNameSchema,
  /** Client groups this service user joins (rick-infra: postgres-clients, valkey-clients). */
  groups: list(groupNameSchema, 32).default([]),
  home: absPathSchema.optional(),
  /** The account already exists on the host and the stack may run as it (keelson refuses an account it did not create otherwise). */
  adopt: z.boolean().optional().describe('true: the account already exists on the host and this stack may run as it.'),
});

const socketSchema = z.strictObject({
  dir: absPathSchema
    .refine((p) => /^\/run\/[^/]+/.test(p), 'socket directories live under /run/, e.g. /run/app (never /run itself)')
    .superRefine((p, ctx) => {
      const reserved = reservedRunDir(p);
      if (reserved !== undefined) ctx.addIssue({ code: 'custom', message: `${reserved.dir} is ${reserved.why}: a stack's socket directory is a directory of its own, e.g. /run/app` });
    }),
  owner: userNameSchema,
  group: groupNameSchema,
  mode: z
    .string()
    .regex(/^0?[0-7]{3}$/, 'an octal mode like "0770"')
    .refine((m) => !/[2367]$/.test(m), 'must not be world-writable: use 0770 or 0750'),
});

const secretSchema = z.strictObject({
  name: nameSchema,
  generate: z.strictObject({ length: z.number().int().min(16).max(256) }).optional(),
  /** Asked of the operator instead of generated. */
  ask: text(500).optional(),
});

const questionSchema = z.strictObject({
  id: nameSchema,
  prompt: text(500),
  default: text(1024).optional(),
  /** A regular expression (RE2 syntax, matched in linear time) the answer must match in full. */
  pattern: text(MAX_PATTERN_LENGTH)
    .superRefine((p, ctx) => {
      const c = compilePattern(p);
      if (!c.ok) ctx.addIssue({ code: 'custom', message: c.why });
    })
    .optional(),
});

const networkSchema = z.strictObject({ name: nameSchema, internal: z.boolean().default(true) });
const volumeSchema = z.strictObject({ name: nameSchema });

const publishSchema = z
  .string()
  .regex(PUBLISH, 'HOST_IP:HOST_PORT:CONTAINER_PORT, e.g. "127.0.0.1:8080:80"')
  .refine((p) => {
    const pub = parsePublish(p);
    const port = (x: string | undefined) => x !== undefined && Number(x) >= 1 && Number(x) <= 65535;
    const octets = pub === null || pub.ip.startsWith('[') || pub.ip.split('.').every((o) => Number(o) <= 255);
    return port(pub?.hostPort) && port(pub?.containerPort) && octets;
  }, 'ports are 1-65535 and an IPv4 address has four parts of 0-255');

const containerSchema = z.strictObject({
  name: nameSchema,
  image: z
    .string()
    .max(255)
    .regex(IMAGE, 'an image reference like "localhost/app:1" or "docker.io/library/nginx:1.27"')
    .describe('The image reference, e.g. "localhost/app:1".'),
  /** A docker-archive or OCI archive on the target host, loaded instead of pulled (air-gapped hosts). */
  imageArchive: absPathSchema.optional().describe('A docker/OCI archive on the target host, loaded instead of pulled.'),
  /** A docker/OCI archive shipped with the stack (images/NAME.tar in its directory): `keelson pack` signs it into the stack archive. */
  imageFile: z
    .string()
    .regex(IMAGE_FILE, '"images/NAME.tar", a file in the stack\'s directory')
    .optional()
    .describe('A docker/OCI archive in the stack directory (images/NAME.tar), carried by the signed stack archive and loaded on the host.'),
  /** The image ID the unit runs: keelson sets it from a verified stack archive; write it to pin an image. */
  imageId: z.string().regex(/^[a-f0-9]{64}$/, '64 lower-case hex digits (the image ID podman prints)').optional().describe('The exact image ID the unit runs (set from a verified stack archive).'),
  /** Built on the host from its static busybox (Debian: busybox-static), for stacks that must run with no registry or archive. */
  imageBuild: z.literal('busybox').optional().describe('"busybox": build the image on the host from its static busybox (offline demos); image must be localhost/….'),
  /** "UID:GID" inside the container, or a service user's name (rootful). */
  user: z
    .string()
    .regex(/^(?:[0-9]{1,10}(?::[0-9]{1,10})?|[a-z_][a-z0-9_-]{0,30})$/, '"UID:GID" or a user name')
    .describe('"UID:GID" inside the container (quote it). Root needs rootReason.'),
  /** Required when user is 0/root: no container runs as root inside unless the manifest says why. */
  rootReason: text(500).optional().describe('Why this container must run as root inside; required when user is 0 or root.'),
  exec: list(oneLine, 256).optional().describe('The command as an argv list; never passed through a shell.'),
  env: z
    .record(z.string().max(128, 'an environment variable name of at most 128 characters').regex(ENV_NAME, ENV_NAME_HINT), oneLine)
    .refine((env) => Object.keys(env).length <= 256, 'has more than 256 variables')
    .default({}),
  publish: list(publishSchema, 64).default([]).describe('Published ports, "HOST_IP:HOST_PORT:CONTAINER_PORT[/udp]".'),
  networks: list(nameSchema, 32).default([]),
  volumes: z
    .array(
      z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,30}:\/[A-Za-z0-9._/@+-]*(?::(?:ro|rw))?$/, 'VOLUME:/path[:ro], e.g. "data:/data"')
        .max(300)
        .refine((v) => !hasDotSegment(v.split(':')[1] ?? ''), 'the path inside the container must not contain "." or ".." segments'),
    )
    .max(64)
    .default([]),
  sockets: list(absPathSchema, 32).default([]),
  secrets: list(z.strictObject({ name: nameSchema, env: z.string().max(128).regex(ENV_NAME, ENV_NAME_HINT) }), 64).default([]),
  health: z
    .strictObject({
      cmd: list(oneLine, 64).min(1),
      interval: z.string().regex(DURATION, 'a duration like "10s", "500ms", "5m" or "1h"').default('10s'),
      retries: z.number().int().min(1).max(100).default(3),
    })
    .optional(),
  readOnly: z.boolean().default(true),
  /** A job (a database migration), not a service: done when it exits 0; its unit stays active until the stack stops. */
  runOnce: z
    .boolean()
    .default(false)
    .describe('A job that runs to completion at each start of the stack (a migration), not a service. Containers that need it first list it under requires.'),
  /** A run-once job that re-runs once on every upgrade that changes the version, before what requires it restarts. */
  migration: z
    .boolean()
    .optional()
    .describe('With runOnce: a migration, run again once on every upgrade to a new version (before the containers that require it restart); the volumes it mounts read-write are backed up first and restored if the upgrade rolls back.'),
  requires: list(nameSchema).default([]),
  wants: list(nameSchema).default([]),
});

const targetSchema = z.strictObject({
  name: nameSchema,
  members: list(nameSchema, 200).min(1),
  requires: list(nameSchema).default([]),
});

export const manifestSchema = z
  .strictObject({
    stack: nameSchema.describe('The stack\'s name: lower-case letters, digits and "-".'),
    version: z.string().max(64).regex(/^[0-9]+\.[0-9]+\.[0-9]+(?:-[A-Za-z0-9.]+)?$/, 'a semantic version like "1.0.0"'),
    description: text(500).optional(),
    mode: z.enum(['rootless', 'rootful']).describe('rootless: one unprivileged owner runs everything; rootful: system units, a user per service.'),
    owner: userNameSchema.optional().describe('rootless: the unprivileged user that owns and runs the stack.'),
    dataMount: absPathSchema.default('/home').describe('The filesystem holding the stack\'s data; must be encrypted (LUKS).'),
    groups: list(groupSchema).default([]),
    users: list(userSchema).default([]),
    sockets: list(socketSchema).default([]),
    secrets: list(secretSchema).default([]),
    questions: list(questionSchema).default([]),
    networks: list(networkSchema).default([]),
    volumes: list(volumeSchema).default([]),
    containers: list(containerSchema, 200).min(1).describe('The containers, each a Quadlet .container unit.'),
    targets: list(targetSchema).default([]),
    /** The unit started last, which pulls in the rest: a target's name or a container's. */
    start: nameSchema.optional().describe('The target or container started last, which pulls in the rest.'),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    if (m.mode === 'rootless' && m.owner === undefined) {
      issue(['owner'], 'rootless stacks need an owner: the unprivileged user that runs them');
    }
    if (m.mode === 'rootless' && m.owner === 'root') {
      issue(['owner'], 'a rootless stack is owned by an unprivileged user, not root: name a dedicated user such as "app"');
    }
    const known = (list: readonly { name: string }[]) => new Set(list.map((x) => x.name));
    const containers = known(m.containers);
    const units = new Set([...containers, ...known(m.targets)]);
    const networks = known(m.networks);
    const internalNetworks = new Set(m.networks.filter((n) => n.internal).map((n) => n.name));
    const volumes = known(m.volumes);
    const secrets = known(m.secrets);
    const groups = new Set([...m.groups.map((g) => g.name)]);
    // By host port, so finding a clash stays fast however many ports are published.
    const published = new Map<string, { ip: string; port: string; everyInterface: boolean; container: number }[]>();
    m.containers.forEach((c, i) => {
      const at = (...rest: (string | number)[]) => ['containers', i, ...rest];
      c.networks.forEach((n, j) => {
        if (!networks.has(n)) issue(at('networks', j), `no network "${n}" is declared under networks`);
      });
      c.volumes.forEach((v, j) => {
        const name = v.split(':')[0] ?? '';
        if (!volumes.has(name)) issue(at('volumes', j), `no volume "${name}" is declared under volumes`);
      });
      c.secrets.forEach((s, j) => {
        if (!secrets.has(s.name)) issue(at('secrets', j, 'name'), `no secret "${s.name}" is declared under secrets`);
      });
      // Rootful: the container runs as a host user, which reaches a socket directory as its owner or through the
      // client group it joins (ADR-005); mounting alone grants nothing, so say which membership is missing.
      const runAs = m.users.find((u) => u.name === c.user);
      if (m.mode === 'rootful' && c.sockets.length > 0 && runAs === undefined) {
        issue(at('user'), 'mounts a socket directory: run it as one of the stack\'s users (declared under users), which owns the directory or joins its group');
      }
      c.sockets.forEach((s, j) => {
        const socket = m.sockets.find((x) => x.dir === s);
        if (socket === undefined) issue(at('sockets', j), `no socket directory "${s}" is declared under sockets`);
        else if (m.mode === 'rootful' && runAs !== undefined && socket.owner !== runAs.name && !runAs.groups.includes(socket.group)) {
          issue(at('sockets', j), `runs as "${runAs.name}", which neither owns ${s} nor joins its group "${socket.group}": add "${socket.group}" to that user's groups`);
        }
      });
      for (const key of ['requires', 'wants'] as const) {
        c[key].forEach((r, j) => {
          if (!units.has(r) || r === c.name) issue(at(key, j), `"${r}" is not another container or target of this stack`);
        });
      }
      if ([c.imageBuild, c.imageArchive, c.imageFile].filter((x) => x !== undefined).length > 1) {
        issue(at(c.imageFile !== undefined ? 'imageFile' : 'imageBuild'), 'an image is built on the host (imageBuild), loaded from an archive on the host (imageArchive) or shipped with the stack (imageFile): one of them');
      }
      if (c.imageBuild !== undefined && !c.image.startsWith('localhost/')) {
        issue(at('image'), `an image built on the host is named "localhost/…", e.g. "localhost/${c.name}:1"`);
      }
      if (c.runOnce && c.health !== undefined) {
        issue(at('health'), 'a run-once container is done when it exits 0: it has no health check (remove health, or runOnce)');
      }
      if (c.migration === true && !c.runOnce) {
        issue(at('migration'), 'a migration is a job that runs to completion: set runOnce: true on this container too, or remove migration');
      }
      if (c.runOnce && c.publish.length > 0) {
        issue(at('publish'), 'a run-once container exits when its job is done: it cannot publish ports (remove publish, or runOnce)');
      }
      if (isRootUser(c.user) && c.rootReason === undefined) {
        issue(at('user'), 'runs as root inside the container: use an unprivileged "UID:GID", or say why in rootReason');
      }
      // Podman forwards no ports into a container that sits only on internal networks (the request hangs).
      if (c.publish.length > 0 && c.networks.length > 0 && c.networks.every((n) => internalNetworks.has(n))) {
        issue(at('publish'), 'a container only on internal networks cannot publish ports: add a network with internal: false');
      }
      c.publish.forEach((p, j) => {
        const pub = parsePublish(p);
        if (pub === null) return;
        const port = `${pub.hostPort}/${pub.proto}`;
        const onPort = published.get(port) ?? [];
        // 0.0.0.0 and [::] take the port on every address, so they clash with any other address on that port.
        const clash = onPort.find((x) => x.ip === pub.ip || x.everyInterface || pub.everyInterface);
        if (clash !== undefined) issue(at('publish', j), `host port ${pub.ip}:${port} is already published by containers[${String(clash.container)}] (${clash.ip}:${clash.port})`);
        else published.set(port, [...onPort, { ip: pub.ip, port, everyInterface: pub.everyInterface, container: i }]);
      });
      const plainEnv = new Set(Object.keys(c.env));
      const secretEnv = new Map<string, number>();
      c.secrets.forEach((s, j) => {
        if (plainEnv.has(s.env)) issue(at('secrets', j, 'env'), `${s.env} is also set under env: a variable comes from a secret or from env, not both`);
        const first = secretEnv.get(s.env);
        if (first !== undefined) issue(at('secrets', j, 'env'), `${s.env} is already the target of secrets[${String(first)}]: each secret needs a variable of its own`);
        else secretEnv.set(s.env, j);
      });
    });
    m.targets.forEach((t, i) => {
      if (containers.has(t.name)) issue(['targets', i, 'name'], `"${t.name}" is already a container's name: give the target its own`);
      t.members.forEach((member, j) => {
        if (!units.has(member)) issue(['targets', i, 'members', j], `"${member}" is not a container or target of this stack`);
      });
      t.requires.forEach((r, j) => {
        if (!units.has(r) || r === t.name) issue(['targets', i, 'requires', j], `"${r}" is not another container or target of this stack`);
      });
    });
    m.sockets.forEach((s, i) => {
      const ownerKnown = s.owner === m.owner || m.users.some((u) => u.name === s.owner);
      if (!ownerKnown) issue(['sockets', i, 'owner'], `"${s.owner}" is neither the stack's owner nor one of its users`);
      if (!groups.has(s.group)) issue(['sockets', i, 'group'], `"${s.group}" is not declared under groups`);
    });
    m.secrets.forEach((s, i) => {
      if ((s.generate === undefined) === (s.ask === undefined)) {
        issue(['secrets', i], 'a secret is either generated (generate: { length: 32 }) or asked (ask: "…"), exactly one');
      }
    });
    m.questions.forEach((q, i) => {
      const pattern = q.pattern === undefined ? undefined : compilePattern(q.pattern);
      if (pattern?.ok === true && q.default !== undefined && !pattern.matches(q.default)) {
        issue(['questions', i, 'default'], 'the default answer does not match the pattern');
      }
    });
    for (const x of [...nameClashes(m), ...dependencyCycles(m), ...answerRefIssues(m, new Set(m.questions.map((q) => q.id)))]) issue(x.path, x.message);
    if (m.start !== undefined && !units.has(m.start)) {
      issue(['start'], `"${m.start}" is not a container or target of this stack`);
    }
    const dup = <K extends string>(list: readonly Record<K, string>[], listKey: string, key: K) => {
      const seen = new Set<string>();
      list.forEach((x, i) => {
        if (seen.has(x[key])) issue([listKey, i, key], `"${x[key]}" is declared twice`);
        seen.add(x[key]);
      });
    };
    dup(m.containers, 'containers', 'name');
    dup(m.targets, 'targets', 'name');
    dup(m.groups, 'groups', 'name');
    dup(m.users, 'users', 'name');
    dup(m.networks, 'networks', 'name');
    dup(m.volumes, 'volumes', 'name');
    dup(m.secrets, 'secrets', 'name');
    dup(m.questions, 'questions', 'id');
    dup(m.sockets, 'sockets', 'dir');
  });

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestContainer = Manifest['containers'][number];
export type ManifestSocket = Manifest['sockets'][number];
