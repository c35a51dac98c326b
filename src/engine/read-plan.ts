// A plan read back from a file: the current format, or format 1 brought forward (its verdict follows from its
// steps), so a plan saved by the keelson before still applies. Anything else is refused with what it is.
import { planSchema, planSchemaV1, planVerdict, PLAN_FORMAT, type Plan } from './plan.js';

export type ReadPlan = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly why: string };

const firstIssue = (issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): string => {
  const i = issues[0];
  if (i === undefined) return 'invalid';
  return i.path.length === 0 ? i.message : `${i.path.map(String).join('.')}: ${i.message}`;
};

export const readPlan = (doc: unknown): ReadPlan => {
  const format = (doc as { format?: unknown } | null)?.format;
  if (format === 'keelson-plan/1') {
    const r = planSchemaV1.safeParse(doc);
    if (!r.success) return { ok: false, why: firstIssue(r.error.issues) };
    const { format: _old, ...rest } = r.data;
    return { ok: true, plan: { ...rest, format: PLAN_FORMAT, ...planVerdict(r.data.steps) } };
  }
  if (format !== PLAN_FORMAT) return { ok: false, why: `format ${JSON.stringify(format ?? null)}: this keelson reads keelson-plan/1 and ${PLAN_FORMAT}` };
  const r = planSchema.safeParse(doc);
  return r.success ? { ok: true, plan: r.data } : { ok: false, why: firstIssue(r.error.issues) };
};
