// SELinux's mode, shared by every step that labels mounts (sockets, Quadlet): one fact id, so it is probed once.
import type { Fact } from './fact.js';

export type SelinuxState = 'enforcing' | 'permissive' | 'disabled';

export const selinuxFact: Fact<SelinuxState> = {
  id: 'selinux-state',
  // /sys/fs/selinux exists only when SELinux is enabled; getenforce may not be installed (Debian).
  probe: { sh: 'if [ -r /sys/fs/selinux/enforce ]; then cat /sys/fs/selinux/enforce; else echo disabled; fi' },
  parse: (o) => {
    const v = o.stdout.trim();
    return v === '1' ? 'enforcing' : v === '0' ? 'permissive' : 'disabled';
  },
};
