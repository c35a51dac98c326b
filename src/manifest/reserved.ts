// What a stack may never take over, whatever its manifest says: groups whose members are root in all but name, and
// the directories under /run that belong to the system. One list each, with the reason an operator is told.

/** Membership in any of these is (or leads straight to) root, or reads what only root should read. */
export const PRIVILEGED_GROUPS: Readonly<Record<string, string>> = {
  root: 'GID 0 owns most of the system\'s files',
  sudo: 'its members may run anything as root (sudoers)',
  wheel: 'its members may run anything as root (sudoers, su)',
  admin: 'its members may run anything as root (sudoers on older Ubuntu)',
  adm: 'its members read every system log',
  'systemd-journal': 'its members read the whole system journal',
  disk: 'its members read and write raw block devices, and so every file',
  shadow: 'its members read the password hashes',
  kmem: 'its members read kernel memory',
  tty: 'its members write to other users\' terminals',
  utmp: 'its members forge the login records',
  staff: 'its members write to /usr/local, which is on root\'s PATH (Debian)',
  docker: 'its members control the Docker daemon, which is root',
  podman: 'its members control the rootful Podman socket, which is root',
  lxd: 'its members control LXD, which is root',
  incus: 'its members control Incus, which is root',
  'incus-admin': 'its members control Incus, which is root',
  libvirt: 'its members control virtual machines and their disks, as root',
  kvm: 'its members use /dev/kvm directly',
  input: 'its members read every keystroke',
  sys: 'a legacy system group that owns system files',
  bin: 'a legacy system group that owns system binaries',
  daemon: 'a legacy system group shared by system services',
  systemd: 'a group systemd\'s own services run as',
};

export const privilegedGroupReason = (name: string): string | undefined =>
  Object.hasOwn(PRIVILEGED_GROUPS, name) ? PRIVILEGED_GROUPS[name] : undefined;

/** /run directories of the system and of other services: a socket directory there would change their owner and mode. */
export const RESERVED_RUN_DIRS: Readonly<Record<string, string>> = {
  '/run/systemd': 'systemd\'s own runtime directory',
  '/run/user': 'the per-user runtime directories (XDG_RUNTIME_DIR) that logind manages',
  '/run/dbus': 'the D-Bus system bus',
  '/run/sshd': 'sshd\'s privilege-separation directory: changing it can lock you out of the host',
  '/run/lock': 'the system\'s lock directory',
  '/run/log': 'the journal\'s sockets',
  '/run/udev': 'udev\'s database',
  '/run/mount': 'libmount\'s state',
  '/run/credentials': 'systemd\'s service credentials',
  '/run/containers': 'Podman\'s rootful runtime state',
  '/run/podman': 'Podman\'s rootful API socket',
  '/run/crun': 'crun\'s container state',
  '/run/netns': 'network namespaces',
  '/run/keelson': 'keelson\'s own runtime state',
  '/run/sudo': 'sudo\'s timestamps',
  '/run/initramfs': 'the initramfs\' state',
  '/run/cryptsetup': 'cryptsetup\'s locks',
  '/run/NetworkManager': 'NetworkManager\'s state',
  '/run/shm': 'shared memory',
};

/** The reserved directory `dir` is, or lies under, and why; undefined for a path a stack may use. */
export const reservedRunDir = (dir: string): { readonly dir: string; readonly why: string } | undefined => {
  for (const [reserved, why] of Object.entries(RESERVED_RUN_DIRS)) {
    if (dir === reserved || dir.startsWith(`${reserved}/`)) return { dir: reserved, why };
  }
  return undefined;
};
