// A container's published port ("HOST_IP:HOST_PORT:CONTAINER_PORT[/udp]", the host address optional), read in one
// place: the schema, the unit files, the manifest warnings and the wizard's summary all see the same address. A
// publish without an address is bound to loopback: keelson never opens a port on the network unless the manifest
// names the address.

export const PUBLISH = /^(?:(\[::1\]|\[::\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3}):)?([0-9]{1,5}):([0-9]{1,5})(?:\/(tcp|udp))?$/;

/** Where a publish without a host address is bound. */
export const DEFAULT_PUBLISH_IP = '127.0.0.1';

/** 0.0.0.0 and [::] take the port on every address of the host. */
const EVERY_INTERFACE = new Set(['0.0.0.0', '[::]']);
const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

export interface Publish {
  /** The host address it is bound to: the manifest's, or DEFAULT_PUBLISH_IP. */
  readonly ip: string;
  readonly hostPort: string;
  readonly containerPort: string;
  readonly proto: 'tcp' | 'udp';
  /** The value for Quadlet's PublishPort=, with the address always written out. */
  readonly value: string;
  readonly everyInterface: boolean;
  readonly loopback: boolean;
}

/** null when it is not a publish at all (the schema refuses those first, with the field's path). */
export const parsePublish = (p: string): Publish | null => {
  const m = PUBLISH.exec(p);
  if (m === null) return null;
  const [, ip = DEFAULT_PUBLISH_IP, hostPort = '', containerPort = '', proto = 'tcp'] = m;
  return {
    ip,
    hostPort,
    containerPort,
    proto: proto === 'udp' ? 'udp' : 'tcp',
    value: `${ip}:${hostPort}:${containerPort}${m[4] === undefined ? '' : `/${proto}`}`,
    everyInterface: EVERY_INTERFACE.has(ip),
    loopback: LOOPBACK.has(ip),
  };
};
