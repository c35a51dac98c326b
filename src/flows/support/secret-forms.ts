// The forms a secret's value takes in text it leaked into: as is, base64 (with and without padding, URL-safe, and of
// the value with the newline `echo … | base64` adds), URL-encoded (RFC 3986 and form encoding), and JSON-escaped.
// Redaction removes every form; the final scan looks for every form. Pure.

export interface SecretValue {
  /** The name keelson knows it by (the Podman secret's). */
  readonly name: string;
  readonly value: string;
}

export interface SecretForm {
  readonly name: string;
  /** What kind of form, for the message when the scan finds one (never the form itself). */
  readonly kind: string;
  readonly text: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export const secretForms = (s: SecretValue): SecretForm[] => {
  const forms: [string, string][] = [
    ['value', s.value],
    ['base64', b64(s.value)],
    ['base64 without padding', b64(s.value).replace(/=+$/, '')],
    ['base64url', Buffer.from(s.value).toString('base64url')],
    ['base64 of the value and a newline', b64(`${s.value}\n`)],
    ['URL-encoded', encodeURIComponent(s.value)],
    ['form-encoded', encodeURIComponent(s.value).replaceAll('%20', '+')],
    ['JSON-escaped', JSON.stringify(s.value).slice(1, -1)],
  ];
  const seen = new Set<string>();
  return forms.filter(([, text]) => text !== '' && !seen.has(text) && seen.add(text)).map(([kind, text]) => ({ name: s.name, kind, text }));
};

/** Every form of every secret, longest first: a form that contains another is replaced whole. */
export const allSecretForms = (secrets: readonly SecretValue[]): SecretForm[] =>
  secrets.filter((s) => s.value !== '').flatMap(secretForms).sort((a, b) => b.text.length - a.text.length);
