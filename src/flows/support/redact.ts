// Redaction of the bundle's text, in a fixed order: every known secret by value (all its forms, secret-forms.ts),
// then what looks like a secret by pattern (private keys, bearer tokens, passwords in env-style and YAML-style
// lines), then host names, addresses and user names by pseudonym (pseudonyms.ts). Secrets go first so no later
// rewrite can change a value into a form nobody looks for. Pure.
import { allSecretForms, type SecretValue } from './secret-forms.js';
import type { Pseudonyms } from './pseudonyms.js';

export const secretMark = (name: string): string => `<secret:${name}>`;

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer|Token|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const SECRET_WORD = '[A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|PASSPHRASE|PASS(?![A-Za-z])|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_.-]*';
// NAME=value (env files, Environment=, podman's --env), NAME: value (YAML) and "NAME": "value" (JSON), the name saying
// it is a secret. A value that opens a list or an object is left (the record's "secrets": [names]); so is Quadlet's
// Secret=NAME,…, which names a Podman secret and holds no value.
const ENV_STYLE = new RegExp(`(?<!<)\\b(${SECRET_WORD})("?\\s*[=:]\\s*)(?!<secret:|<redacted>|(?:Bearer|Basic|Token)\\s)("[^"\\n]*"|'[^'\\n]*'|[^\\s"',;\\[{]+)`, 'gi');

export interface RedactCounts {
  secrets: number;
  patterns: number;
}

const countReplace = (text: string, re: RegExp, by: (...m: string[]) => string, counts: RedactCounts): string =>
  text.replace(re, (...m: string[]) => {
    counts.patterns += 1;
    return by(...m);
  });

export interface Redactor {
  readonly redact: (text: string) => string;
  readonly counts: Readonly<RedactCounts>;
}

export const makeRedactor = (secrets: readonly SecretValue[], pseudonyms: Pseudonyms): Redactor => {
  const forms = allSecretForms(secrets);
  const counts: RedactCounts = { secrets: 0, patterns: 0 };
  const redact = (input: string): string => {
    let text = input;
    for (const f of forms) {
      const parts = text.split(f.text);
      counts.secrets += parts.length - 1;
      text = parts.join(secretMark(f.name));
    }
    text = countReplace(text, PRIVATE_KEY, (_m, kind = '') => `<redacted ${kind}private key>`, counts);
    text = countReplace(text, BEARER, (_m, word = '', space = '') => `${word}${space}<redacted>`, counts);
    text = text.replace(ENV_STYLE, (m: string, name: string, sep: string, value: string) => {
      if (name === 'Secret' && sep === '=') return m;
      counts.patterns += 1;
      const q = /^["']/.test(value) ? value.slice(0, 1) : '';
      return `${name}${sep}${q}<redacted>${q}`;
    });
    return pseudonyms.apply(text);
  };
  return { redact, counts };
};
