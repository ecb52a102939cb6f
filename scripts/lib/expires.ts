// `--expires` accepts a relative duration (90m, 12h, 3d, 45s, 2w) or an absolute
// ISO 8601 date-time; the service takes an absolute `expirationDateTime`, so the
// CLI turns either form into a Date against a caller-supplied "now" (testable).

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds in a duration such as `90m`, `12h`, `3d`; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2]!.toLowerCase()]!;
  const ms = Math.round(amount * unit);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

// A date alone (2026-12-01) or a date-time with an explicit offset; a date-time
// without an offset is refused rather than silently read in local time.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function sameCalendarDate(text: string, at: Date): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  // Compare in the text's own offset so 2026-12-01T00:30+02:00 is still December 1st.
  const shift = offset ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  const local = new Date(at.getTime() + shift);
  return local.getUTCFullYear() === year && local.getUTCMonth() + 1 === month && local.getUTCDate() === day;
}

/**
 * The absolute expiry `--expires` names. Throws with a message fit for the user
 * when the text is neither a positive duration nor an ISO date in the future.
 */
export function parseExpires(text: string, now: Date = new Date()): Date {
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(now.getTime() + ms);

  const trimmed = text.trim();
  if (ISO_DATE.test(trimmed) || ISO_DATE_TIME.test(trimmed)) {
    // A bare date means midnight UTC of that day, as Date.parse reads it.
    const at = new Date(trimmed);
    // Date rolls 2026-02-30 over into March; the calendar date must survive the round trip.
    if (Number.isNaN(at.getTime()) || !sameCalendarDate(trimmed, at)) {
      throw new Error(`--expires: "${text}" is not a valid date`);
    }
    if (at.getTime() <= now.getTime()) throw new Error(`--expires: ${at.toISOString()} is in the past`);
    return at;
  }
  throw new Error(`--expires: "${text}" is neither a duration (90m, 12h, 3d) nor an ISO date (2026-12-01T09:00Z)`);
}
