// Asked secrets reach apply from --secrets or KEELSON_SECRET_<NAME>, never the plan. Without this check a missing
// one was found at its action, after packages, users and tmpfiles were applied: now it stops the run before any.
import { blocker, sortFindings, warning, type Finding } from './finding.js';
import type { Plan } from './plan.js';

/** The asked secrets the plan creates that have no value among `provided` (by the manifest's secret name). */
export const missingSecrets = (plan: Plan, provided: ReadonlySet<string>): string[] =>
  plan.steps.flatMap((s) => s.actions.flatMap((a) => (a.kind === 'podman.secret' && a.source.from === 'answer' && !provided.has(a.source.id) ? [a.source.id] : [])));

const envName = (id: string) => `KEELSON_SECRET_${id.toUpperCase().replaceAll('-', '_')}`;

const finding = (id: string, severity: 'blocker' | 'warning'): Finding => {
  const remedy = `Give it in a 0600 file passed with --secrets (secrets: { ${id}: … }), or in ${envName(id)}.`;
  return severity === 'blocker'
    ? blocker('secret-missing', `The stack asks for the secret "${id}" and no value was given; nothing is applied without it.`, remedy)
    : warning('secret-missing', `The stack asks for the secret "${id}"; apply needs its value.`, remedy);
};

/** The plan with a finding for every missing asked secret, in the step that creates it. */
export const withMissingSecrets = (plan: Plan, provided: ReadonlySet<string>, severity: 'blocker' | 'warning'): Plan => {
  const missing = new Set(missingSecrets(plan, provided));
  if (missing.size === 0) return plan;
  return {
    ...plan,
    steps: plan.steps.map((s) => {
      const ids = s.actions.flatMap((a) => (a.kind === 'podman.secret' && a.source.from === 'answer' && missing.has(a.source.id) ? [a.source.id] : []));
      return ids.length === 0 ? s : { ...s, findings: sortFindings([...s.findings, ...ids.map((id) => finding(id, severity))]) };
    }),
  };
};
