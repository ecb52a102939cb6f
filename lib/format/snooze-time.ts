// When a snooze ends, and how the inbox says it. Pure (the clock, the time zone and the locale are
// arguments), so the calendar rules are tested: "tomorrow 08:00" and "next Monday 08:00" are wall-clock
// times in the device's zone, found through Intl, so a DST change in between moves nothing; "1 hour" is
// 60 real minutes.

export type SnoozeChoice = "hour" | "tomorrow" | "monday";

export const SNOOZE_CHOICES: readonly SnoozeChoice[] = ["hour", "tomorrow", "monday"];

/** The hour the morning choices return at, local time. */
export const MORNING_HOUR = 8;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function deviceTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let format = wallFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    wallFormats.set(timeZone, format);
  }
  return format;
}

/** What a clock on the wall in `timeZone` shows at the instant `at`. */
function wallClock(at: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of wallFormat(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far `timeZone` is ahead of UTC at the instant `at`, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall clock in `timeZone` shows the given local time (day may overflow the month).
 * Two passes: the first guess can sit on the far side of a DST change from the answer. A local time
 * inside a spring-forward gap comes out shifted by the gap.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}

/** 0 (Sunday) … 6 (Saturday) of a calendar date. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Days from the local date of `from` to the local date of `to` (0 today, 1 tomorrow). */
export function calendarDaysBetween(from: number, to: number, timeZone: string): number {
  const a = wallClock(from, timeZone);
  const b = wallClock(to, timeZone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/**
 * When a snooze chosen at `now` ends: in 1 hour; tomorrow at 08:00; or on the next Monday at 08:00
 * (a week ahead when today is Monday), local to `timeZone`.
 */
export function snoozeEnd(choice: SnoozeChoice, now: number, timeZone: string = deviceTimeZone()): Date {
  if (choice === "hour") return new Date(now + HOUR_MS);
  const today = wallClock(now, timeZone);
  const days = choice === "tomorrow" ? 1 : (1 - weekday(today.year, today.month, today.day) + 7) % 7 || 7;
  return new Date(zonedInstant(today.year, today.month, today.day + days, MORNING_HOUR, 0, timeZone));
}

export interface SnoozeOption {
  choice: SnoozeChoice;
  until: Date;
  /** What the menu says, e.g. "For 1 hour". */
  label: string;
  /** When that is, e.g. "until 3:42 PM" or "Mon, Dec 7, 8:00 AM". */
  detail: string;
  /** False when the notification expires first: the service refuses a snooze past the expiration. */
  allowed: boolean;
}

export interface ZoneAndLocale {
  timeZone?: string;
  locale?: string;
}

/** The menu's choices at `now`, for an item that expires at `expiration` (ISO). */
export function snoozeOptions(now: number, expiration: string, { timeZone = deviceTimeZone(), locale }: ZoneAndLocale = {}): SnoozeOption[] {
  const expires = Date.parse(expiration);
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "short" });
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", month: "short", day: "numeric" });
  const labels: Record<SnoozeChoice, string> = { hour: "For 1 hour", tomorrow: "Until tomorrow", monday: "Until next Monday" };
  return SNOOZE_CHOICES.map((choice) => {
    const until = snoozeEnd(choice, now, timeZone);
    const detail = choice === "hour" ? `until ${time.format(until)}` : `${day.format(until)}, ${time.format(until)}`;
    return { choice, until, label: labels[choice], detail, allowed: Number.isNaN(expires) || until.getTime() <= expires };
  });
}

/** "today at 3:42 PM", "tomorrow at 8:00 AM", "Monday at 8:00 AM" (this week), else "Dec 14 at 8:00 AM". */
export function formatSnoozeTime(until: string, now: number, { timeZone = deviceTimeZone(), locale }: ZoneAndLocale = {}): string {
  const at = Date.parse(until);
  if (Number.isNaN(at)) return "";
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "short" }).format(at);
  const days = calendarDaysBetween(now, at, timeZone);
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (days > 1 && days < 7) return `${new Intl.DateTimeFormat(locale, { timeZone, weekday: "long" }).format(at)} at ${time}`;
  return `${new Intl.DateTimeFormat(locale, { timeZone, month: "short", day: "numeric" }).format(at)} at ${time}`;
}

/** What a snoozed item says about itself: "Returns tomorrow at 8:00 AM"; "Returning now" once due. */
export function formatSnoozeReturn(until: string, now: number, zone: ZoneAndLocale = {}): string {
  const at = Date.parse(until);
  if (Number.isNaN(at)) return "";
  return at <= now ? "Returning now" : `Returns ${formatSnoozeTime(until, now, zone)}`;
}
