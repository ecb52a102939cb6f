// "5 minutes ago" for the list, the full date for its tooltip. Pure, so the thresholds are tested.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

// One formatter per locale: building an Intl formatter costs far more than formatting with it, and
// every row a virtualized list mounts while scrolling formats two dates (3.4 s of 17 s of scrolling
// through 4,000 items went to building them).
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const absoluteFormats = new Map<string, Intl.DateTimeFormat>();

function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) relativeFormats.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" })));
  return format;
}

function absoluteFormat(locale: string | undefined): Intl.DateTimeFormat {
  const key = locale ?? "";
  let format = absoluteFormats.get(key);
  if (!format) absoluteFormats.set(key, (format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" })));
  return format;
}

export function formatRelativeTime(iso: string, now: number = Date.now(), locale = "en"): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  const format = relativeFormat(locale);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60) || Math.sign(seconds), "minute");
}

export function formatAbsoluteTime(iso: string, locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return absoluteFormat(locale).format(at);
}
