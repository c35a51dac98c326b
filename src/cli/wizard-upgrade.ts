// The wizard's Upgrade, through keelson upgrade's own functions so the two never disagree: the admission
// (refusals.ts), the answers (answers.ts), upgradeContext's plan and summary, and runUpgrade with its automatic
// rollback. Only the walking differs: the screen gets the events, and its stop key stops the upgrade, never a rollback.
import type { Host } from '../host/host.js';
import type { ApplyResult } from '../apply/apply-plan.js';
import { planActions } from '../engine/plan-queries.js';
import type { Plan } from '../engine/plan.js';
import type { WizardController } from '../../screens/controller.js';
import { applyChannels } from './wizard-apply-channels.js';
import { shellWord } from './keelson-command.js';
import type { ArchiveStack } from './stack-archive.js';
import type { Redactor } from './wizard-redactor.js';

const engine = () => import('./wizard-engine.js');

export interface UpgradeDeps {
  readonly connected: () => Host;
  readonly log: (line: string) => void;
  readonly redactor: Redactor;
  /** The asked secrets typed in this session (the upgrade's new ones). */
  readonly secrets: () => Readonly<Record<string, string>>;
  /** The verified stack archive a loaded stack came from, by its source: its signer is checked, its images loaded. */
  readonly archiveOf: (source: string) => ArchiveStack | undefined;
  /** The headless command for the connected target (the controller's commandFor). */
  readonly commandFor: (args: readonly string[]) => string;
}

export const upgradeMethods = (d: UpgradeDeps): Pick<WizardController, 'upgradeCheck' | 'upgradePlan' | 'upgrade'> => ({
  upgradeCheck: async (stack) => {
    const { admitUpgrade, parseRecord, questionsToAsk, recordedManifest, RECORD_PATH } = await engine();
    const m = stack.manifest;
    const file = await d.connected().readFile(RECORD_PATH);
    const archive = d.archiveOf(stack.source)?.archive;
    const admitted = admitUpgrade(parseRecord(file.kind === 'present' ? file.content : null), m, archive === undefined ? {} : { archive });
    if (!admitted.ok) {
      d.log(`upgrade: ${m.stack} ${m.version} refused (${admitted.refusal.code}): ${admitted.refusal.message}`);
      return { kind: 'refused', refusal: admitted.refusal };
    }
    // A secret the installed version already asked for is on the host; without the deployed manifest, ask them all.
    const deployed = recordedManifest(admitted.previous);
    const had = new Set((deployed?.secrets ?? []).map((s) => s.name));
    const questions = questionsToAsk(m, admitted.previous.answers);
    const secrets = m.secrets.filter((s) => s.ask !== undefined && (deployed === null || !had.has(s.name)));
    d.log(`upgrade: ${m.stack} ${admitted.previous.version} → ${m.version}: asks ${[...questions.map((q) => q.id), ...secrets.map((s) => s.name)].join(', ') || 'nothing new'}`);
    return { kind: 'ask', stack, from: admitted.previous.version, asks: { ...stack, manifest: { ...m, questions, secrets } } };
  },

  upgradePlan: async (stack, answers) => {
    const { upgradeContext, upgradeSummaryText, blockerText } = await engine();
    const archive = d.archiveOf(stack.source)?.archive;
    const ctx = await upgradeContext(d.connected(), stack.manifest, answers, {
      secretNames: new Set(Object.keys(d.secrets())),
      secretSeverity: 'blocker',
      ...(archive === undefined ? {} : { archive }),
    });
    if (!ctx.ok) {
      d.log(`upgrade: refused (${ctx.refusal.code}): ${ctx.refusal.message}`);
      return { kind: 'refused', refusal: ctx.refusal };
    }
    const p = ctx.prepared;
    const text = upgradeSummaryText(p.summary, p.answers);
    d.log(`upgrade: plan ${p.summary.stack} ${p.summary.from.version} → ${p.summary.to.version}: ${planActions(p.plan).length} actions, ${p.plan.blockerCount} blockers; restarts ${p.summary.restarts.join(', ') || 'none'}`);
    if (p.plan.blocked) return { kind: 'blocked', text, blockers: blockerText(p) };
    if (p.summary.upToDate) return { kind: 'up-to-date', text };
    return { kind: 'ready', stack, text, prepared: p, again: d.commandFor(['upgrade', '--stack', shellWord(stack.ref)]) };
  },

  upgrade: async (planned, onEvent, signal) => {
    const h = d.connected();
    const { applyPlan, runUpgrade } = await engine();
    const stackArchive = d.archiveOf(planned.stack.source);
    const walk = async (plan: Plan, which: 'upgrade' | 'rollback', runId: string | undefined): Promise<ApplyResult> => {
      const total = planActions(plan).length;
      d.log(`${which}: ${total} actions`);
      const { forward } = applyChannels({ log: (l) => { d.log(`${which}: ${l}`); }, redactor: d.redactor, total, onEvent: (e) => { onEvent(which, e); } });
      // A rollback stopped half-way leaves neither version running: it is walked to its end.
      return applyPlan(h, plan, { secretAnswers: d.secrets(), onEvent: forward, ...(runId === undefined ? {} : { runId }), ...(which === 'upgrade' ? { signal } : {}), ...(stackArchive === undefined ? {} : { stackArchive }) });
    };
    const outcome = await runUpgrade(h, planned.prepared, { secretAnswers: d.secrets(), quiet: true, walk, ...(stackArchive === undefined ? {} : { stackArchive }) });
    const how = outcome.ok ? 'upgraded' : outcome.stoppedBefore !== undefined ? 'stopped by the operator' : outcome.rollback === undefined ? 'failed before anything that runs changed' : outcome.rollback.ok ? `rolled back in ${outcome.rollback.seconds} s` : `rollback FAILED${outcome.markedFailed === undefined ? '' : '; marked failed'}`;
    d.log(`upgrade: ${how}; journal ${outcome.journalPath}${outcome.failed === undefined ? '' : `; failed at ${outcome.failed.action}`}`);
    return outcome;
  },
});
