// The keys keelson offers when it logs in: key files (given, or ssh's default names) and the ssh-agent. Each is
// described by path and public fingerprint only, so an auth failure can say what was tried without key material.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type AgentAuthMethod, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { fingerprintOf } from './fingerprint.js';
import { CLI_INPUTS, HostError, type OperatorInputs } from './host-error.js';

export interface Identities {
  readonly methods: (PublicKeyAuthMethod | AgentAuthMethod)[];
  /** For people: "key file /root/.ssh/id_ed25519 (ssh-ed25519 SHA256:…)", "ssh-agent at /tmp/…". */
  readonly tried: string[];
  /** Keys that could not be offered, and why ("passphrase-protected: add it to ssh-agent"). */
  readonly skipped: string[];
}

export interface IdentityOptions {
  readonly username: string;
  /** Key files to offer. When left out, ssh's defaults (~/.ssh/id_ed25519, id_ecdsa, id_rsa) that exist. */
  readonly identityFiles?: readonly string[];
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. null: no agent. */
  readonly agentSocket?: string | null;
  /** Where the remedies say a key is given (a flag, a wizard field). */
  readonly inputs?: OperatorInputs;
}

function parsePrivateKey(data: Buffer): ParsedKey | Error {
  const parsed: unknown = ssh2.utils.parseKey(data);
  // OpenSSH's own format may carry several keys; ssh uses the first.
  return (Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey | Error;
}

export async function loadIdentities(options: IdentityOptions): Promise<Identities> {
  const explicit = options.identityFiles !== undefined;
  const inputs = options.inputs ?? CLI_INPUTS;
  const files = options.identityFiles ?? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(homedir(), '.ssh', name));
  const methods: Identities['methods'] = [];
  const tried: string[] = [];
  const skipped: string[] = [];

  for (const file of files) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new HostError('bad-argument', `Cannot read the identity file ${file}: ${(error as Error).message}`,
        `Give the path of an SSH private key this user can read (${inputs.keyFile}).`, { cause: error });
    }
    const key = parsePrivateKey(data);
    if (key instanceof Error) {
      skipped.push(/passphrase/i.test(key.message)
        ? `${file} is passphrase-protected (load it into ssh-agent with ssh-add)`
        : `${file} is not a private key keelson can use (${key.message})`);
      continue;
    }
    if (!key.isPrivateKey()) {
      skipped.push(`${file} holds a public key, not a private one`);
      continue;
    }
    methods.push({ type: 'publickey', username: options.username, key });
    tried.push(`key file ${file} (${key.type} ${fingerprintOf(key.getPublicSSH())})`);
  }

  const agent = options.agentSocket === undefined ? process.env.SSH_AUTH_SOCK : options.agentSocket;
  if (agent !== undefined && agent !== null && agent !== '') {
    methods.push({ type: 'agent', username: options.username, agent });
    tried.push(`ssh-agent at ${agent}`);
  }

  if (methods.length === 0) {
    const why = skipped.length > 0 ? `: ${skipped.join('; ')}` : ' (no key file and no ssh-agent)';
    throw new HostError('auth-failed', `keelson has no SSH key to log in with${why}`,
      `Give a private key (${inputs.keyFile}), or start ssh-agent and add your key with ssh-add.`);
  }
  return { methods, tried, skipped };
}
