// Times inside one story (a delivery timeline, a verdict): the clock time when it is the same day as
// the story's start, the day as well when not. Locale and time zone are parameters so tests are exact;
// in the browser they default to the user's own.

export interface TimeFormat {
  locale?: string;
  timeZone?: string;
}

function toDate(at: string | number): Date | undefined {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "10:02" (or "10:02:07" with seconds), in the user's locale. */
export function formatClockTime(at: string | number, format: TimeFormat = {}, withSeconds = false): string {
  const date = toDate(at);
  if (!date) return String(at);
  // timeStyle keeps each locale's own habit: "09:00" in en-GB, "9:00 AM" in en-US.
  return new Intl.DateTimeFormat(format.locale, { timeStyle: withSeconds ? "medium" : "short", timeZone: format.timeZone }).format(date);
}

/** "3 Nov" ("Nov 3" in en-US); the year too when it is not `referenceYear`'s. */
export function formatDay(at: string | number, format: TimeFormat = {}, reference?: string | number): string {
  const date = toDate(at);
  if (!date) return String(at);
  const ref = reference === undefined ? undefined : toDate(reference);
  const year = (d: Date) => new Intl.DateTimeFormat("en", { year: "numeric", timeZone: format.timeZone }).format(d);
  const withYear = ref !== undefined && year(ref) !== year(date);
  return new Intl.DateTimeFormat(format.locale, {
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: format.timeZone,
  }).format(date);
}

/** The calendar day of a moment in the given time zone, as "YYYY-MM-DD" (for comparisons). */
export function dayKey(at: string | number, format: TimeFormat = {}): string {
  const date = toDate(at);
  if (!date) return "";
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: format.timeZone }).format(date);
}

/** "10:02" on `reference`'s day; "3 Nov, 10:02" on another day. */
export function formatTimeNear(at: string | number, reference: string | number, format: TimeFormat = {}, withSeconds = false): string {
  const time = formatClockTime(at, format, withSeconds);
  if (dayKey(at, format) === dayKey(reference, format)) return time;
  return `${formatDay(at, format, reference)}, ${time}`;
}

/** A length of time in words: "45 s", "5 min", "2 h", "3 days". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(s / 3600);
  if (hours < 48) return `${hours} h`;
  const days = Math.round(s / 86400);
  return days === 1 ? "1 day" : `${days} days`;
}
