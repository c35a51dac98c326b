// Secrets typed in this session never reach the log: every occurrence of a value (as typed, or JSON-escaped as
// it would appear inside a quoted string) becomes <secret:NAME>. Longest values first, so a secret that contains
// another is not half-replaced.
export interface Redactor {
  remember(secrets: Readonly<Record<string, string>>): void;
  redact(text: string): string;
}

export const createRedactor = (): Redactor => {
  let pairs: { value: string; name: string }[] = [];
  return {
    remember(secrets) {
      const next = new Map(pairs.map((p) => [p.value, p.name]));
      for (const [name, value] of Object.entries(secrets)) {
        if (value === '') continue;
        next.set(value, name);
        const escaped = JSON.stringify(value).slice(1, -1);
        if (escaped !== value) next.set(escaped, name);
      }
      pairs = [...next.entries()].map(([value, name]) => ({ value, name })).sort((a, b) => b.value.length - a.value.length);
    },
    redact(text) {
      let out = text;
      for (const { value, name } of pairs) out = out.split(value).join(`<secret:${name}>`);
      return out;
    },
  };
};
