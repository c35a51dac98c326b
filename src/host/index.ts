// The public face of src/host: the Host interface, its two transports, and the host key helpers the wizard and
// the CLI need (fingerprints to show, the default store path).

export type { Host, OutputStream, ReadFileResult, RunOptions, RunResult, WriteFileOptions } from './host.js';
export { CommandFailedError, HostError, type HostErrorCode } from './host-error.js';
export { createLocalHost, type LocalHostOptions } from './local-host.js';
export { connectSshHost, type NewHostKey, type SshHostOptions } from './ssh-host.js';
export type { Privilege } from './command-wrap.js';
export { shellQuote } from './shell-quote.js';
export { fingerprintOf, normalizeFingerprint } from './fingerprint.js';
export { defaultHostKeyStorePath, defaultKnownHostsFiles } from './host-key-store.js';
