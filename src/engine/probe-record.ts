// What a socket probe leaves on the host (/var/lib/keelson/probes/STACK/KEY.json), written by the probe executor and
// read back by the sockets step's fact: one schema, so the two cannot drift apart.
import { z } from 'zod';

export const PROBE_RECORD_FORMAT = 'keelson-probe/1';

export const probeRecordSchema = z.object({
  format: z.literal(PROBE_RECORD_FORMAT),
  ok: z.boolean(),
  /** The probe's own words when it failed; "" for a pass. */
  reason: z.string(),
  /** What the outcome depended on (the action's canonical JSON): a record with other inputs says nothing now. */
  inputs: z.string(),
  /** When it ran (ISO 8601). */
  at: z.string(),
});

export type ProbeRecord = z.infer<typeof probeRecordSchema>;

/** The file's text: one JSON line. */
export const renderProbeRecord = (r: Omit<ProbeRecord, 'format'>): string => `${JSON.stringify({ format: PROBE_RECORD_FORMAT, ...r })}\n`;

/** A record, or null for anything that is not one (half-written, foreign, another format). */
export const parseProbeRecord = (text: string): ProbeRecord | null => {
  try {
    const r = probeRecordSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
};
