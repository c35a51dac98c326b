// The closed set of things keelson may do to a host. Each is plain JSON with a one-line description;
// apply has exactly one executor per kind and never decides anything a plan did not already say.
// Schemas (not just types) because a saved plan is read back from disk and must be validated.
import { z } from 'zod';

const path = z.string().startsWith('/');
const octal = z.string().regex(/^0[0-7]{3,4}$/);
const user = z.string().min(1);

/** Which systemd manager: the system one, or a user's (rootless) reached as USER@ from root. */
export const scopeSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('system') }),
  z.strictObject({ scope: z.literal('user'), user }),
]);
export type Scope = z.infer<typeof scopeSchema>;

const base = { description: z.string().min(1) };

/** A run's id as newRunId makes it (a UTC timestamp and 6 hex digits): it names journals and backup directories. */
export const RUN_ID = /^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$/;

export const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('package.install'),
    ...base,
    manager: z.enum(['apt', 'dnf']),
    packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/)).min(1),
  }),
  z.strictObject({
    kind: z.literal('file.write'),
    ...base,
    path,
    content: z.string(),
    mode: octal,
    owner: user,
    group: user,
    /** What is there now (null: nothing). Apply refuses if the file no longer matches. */
    before: z.string().nullable(),
  }),
  z.strictObject({ kind: z.literal('file.remove'), ...base, path, before: z.string() }),
  z.strictObject({ kind: z.literal('dir.ensure'), ...base, path, mode: octal, owner: user, group: user }),
  z.strictObject({
    kind: z.literal('group.create'),
    ...base,
    name: user,
    gid: z.number().int().positive(),
    system: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal('user.create'),
    ...base,
    name: user,
    uid: z.number().int().positive(),
    gid: z.number().int().positive(),
    home: path,
    shell: path,
    groups: z.array(user),
    system: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('user.add-groups'), ...base, name: user, groups: z.array(user).min(1) }),
  z.strictObject({
    kind: z.literal('subid.assign'),
    ...base,
    user,
    start: z.number().int().positive(),
    count: z.number().int().positive(),
  }),
  z.strictObject({ kind: z.literal('linger.enable'), ...base, user }),
  // Uninstall (src/flows/uninstall): each removes exactly one thing the deployment record names, and skips when it is gone.
  z.strictObject({ kind: z.literal('linger.disable'), ...base, user }),
  z.strictObject({
    kind: z.literal('subid.remove'),
    ...base,
    user,
    file: z.enum(['subuid', 'subgid']),
    start: z.number().int().positive(),
    count: z.number().int().positive(),
  }),
  /** userdel --remove: the account, its home (and the Podman storage in it); its processes are stopped first. */
  z.strictObject({ kind: z.literal('user.remove'), ...base, name: user, uid: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('group.remove'), ...base, name: user, gid: z.number().int().positive() }),
  /** A directory keelson created at runtime (a socket directory under /run): removed with what is left in it. */
  z.strictObject({ kind: z.literal('dir.remove'), ...base, path }),
  z.strictObject({
    kind: z.literal('podman.remove'),
    ...base,
    target: scopeSchema,
    resource: z.enum(['volume', 'secret', 'network', 'image']),
    name: z.string().min(1),
  }),
  /** `podman volume export` into file (on the data mount, 0600 root), with FILE.sha256 beside it: the purge's last backup. */
  z.strictObject({ kind: z.literal('podman.volume-export'), ...base, target: scopeSchema, volume: z.string().min(1), file: path }),
  /** An upgrade's rollback: the volume emptied and file (checked against FILE.sha256 first) extracted into it. */
  z.strictObject({ kind: z.literal('podman.volume-restore'), ...base, target: scopeSchema, volume: z.string().min(1), file: path }),
  z.strictObject({ kind: z.literal('tmpfiles.create'), ...base, path }),
  z.strictObject({ kind: z.literal('systemd.daemon-reload'), ...base, target: scopeSchema }),
  z.strictObject({
    kind: z.literal('systemd.unit'),
    ...base,
    target: scopeSchema,
    verb: z.enum(['start', 'restart', 'reload', 'stop', 'enable-now', 'disable']),
    unit: z.string().regex(/^[A-Za-z0-9@._-]+\.(service|target|socket|timer|mount)$/),
    /** Queue the job and return (systemctl --no-block): a stack.wait-healthy after it waits, and explains failures. */
    noBlock: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('podman.secret'),
    ...base,
    target: scopeSchema,
    name: z.string().min(1),
    /** The value is generated at apply time or read from the operator's answers: never in a plan. */
    source: z.discriminatedUnion('from', [
      z.strictObject({ from: z.literal('generate'), length: z.number().int().min(16) }),
      z.strictObject({ from: z.literal('answer'), id: z.string() }),
    ]),
  }),
  z.strictObject({ kind: z.literal('podman.image-load'), ...base, target: scopeSchema, archive: path, image: z.string() }),
  /** An image archive carried by a verified stack archive (entry): sent to `podman load` on stdin, then proven to be id. */
  z.strictObject({ kind: z.literal('podman.image-load-packed'), ...base, target: scopeSchema, image: z.string(), id: z.string(), entry: z.string() }),
  /**
   * A registry image pulled in the stack's scope before anything starts: its progress reaches the operator, and a
   * large image is not pulled inside the first start's timeout (nor on every boot that finds it missing).
   */
  z.strictObject({ kind: z.literal('podman.image-pull'), ...base, target: scopeSchema, image: z.string().min(1) }),
  /**
   * A stack image built on the host from its static busybox (binary + applet links, `podman import`), in the stack's
   * scope: how an offline host gets an image without a registry or an archive (manifest `imageBuild: busybox`).
   */
  z.strictObject({
    kind: z.literal('podman.image-build'),
    ...base,
    target: scopeSchema,
    image: z.string().regex(/^localhost\/[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9._-]{1,128})?$/),
    from: z.literal('busybox'),
    busybox: path,
  }),
  /**
   * Waits until every unit is active and every health check healthy; a unit that fails (or the timeout) stops the
   * apply with the unit's last journal lines. Planned after the stack is started or restarted.
   */
  z.strictObject({
    kind: z.literal('stack.wait-healthy'),
    ...base,
    target: scopeSchema,
    units: z.array(z.string().regex(/^[A-Za-z0-9@._-]+\.(service|target)$/)).min(1),
    /** Containers whose Podman health check must report "healthy", each with its unit (from the planner's names). */
    healthy: z.array(z.strictObject({ container: z.string().regex(/^[a-z][a-z0-9-]*$/), unit: z.string().regex(/^[A-Za-z0-9@._-]+\.service$/) })),
    timeoutSeconds: z.number().int().min(1).max(3600),
  }),
  z.strictObject({
    kind: z.literal('state.write'),
    ...base,
    path,
    content: z.string(),
    /** The run's entry for the stack's history (its id and time are added when it is written). */
    run: z
      .strictObject({
        stack: z.string(),
        kind: z.enum(['install', 'upgrade', 'apply', 'rollback']),
        from: z.string().nullable(),
        to: z.string(),
        outcome: z.enum(['ok', 'rolled-back', 'failed']).optional(),
        /** The failed mark this write clears (--clear-failed): why it was set and since when. */
        cleared: z.string().optional(),
        /** The run whose directory holds this run's volume archives (kept in the history for retention). */
        backupRunId: z.string().regex(RUN_ID).optional(),
      })
      .optional(),
    /** Images this run makes (built, loaded, pulled): their IDs are asked of Podman and added when it is written. */
    images: z.strictObject({ stack: z.string(), target: scopeSchema, refs: z.array(z.string().min(1)).min(1) }).optional(),
  }),
  /** A tiny image for the socket probe, built from the host's static busybox (no registry needed). */
  z.strictObject({ kind: z.literal('probe.image'), ...base, target: scopeSchema, image: z.string().min(1), busybox: path }),
  /**
   * Runs a short-lived container exactly as the stack will (user, groups, bind mounts) and writes then reads a file in
   * each socket directory. The result is recorded at `record` with `inputs`, so a later plan can tell whether the last
   * probe under the same conditions passed; a failure stops the apply with the reason.
   */
  z.strictObject({
    kind: z.literal('probe.socket-access'),
    ...base,
    target: scopeSchema,
    image: z.string().min(1),
    /** "UID[:GID]" inside the container. */
    user: z.string().regex(/^[0-9]{1,10}(?::[0-9]{1,10})?$/),
    /** Rootless: "keep-groups" (crun keeps the owner's supplementary groups); rootful: the GIDs to add. */
    groupAdd: z.union([z.literal('keep-groups'), z.array(z.number().int().nonnegative())]),
    dirs: z.array(path).min(1),
    record: path,
    /** What the outcome depends on, as canonical JSON; saved with the result and compared by the next plan. */
    inputs: z.string(),
  }),
  /** Sends a signal to a unit's main process: how a daemon rereads its config when its unit has no ExecReload (auditd). */
  z.strictObject({
    kind: z.literal('systemd.signal'),
    ...base,
    target: scopeSchema,
    unit: z.string().regex(/^[A-Za-z0-9@._-]+\.service$/),
    signal: z.enum(['SIGHUP', 'SIGUSR1', 'SIGUSR2']),
  }),
  z.strictObject({
    /** LUKS2 on an EMPTY disk for a data mount: format, open, mkfs, move the mount point's content, mount. */
    kind: z.literal('luks.setup'),
    ...base,
    /** As the operator typed it; apply refuses when it no longer points to resolvedDevice or is not empty. */
    device: z.string().regex(/^\/dev\/[A-Za-z0-9._:@+/-]+$/),
    resolvedDevice: z.string().regex(/^\/dev\/[A-Za-z0-9._:@+/-]+$/),
    /** Chosen at plan time, so crypttab's line is in the plan. */
    uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    /** /dev/mapper/NAME. */
    name: z.string().regex(/^[A-Za-z0-9._@+-]{1,64}$/),
    /** The key is generated at apply time and written here (0400 root); an existing file is used as the key. */
    keyFile: path,
    mountPoint: path,
    filesystem: z.literal('ext4'),
  }),
]);

export type Action = z.infer<typeof actionSchema>;
export type ActionKind = Action['kind'];
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;
