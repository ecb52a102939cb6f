// The reason support gives for looking at a user's data (sent as X-Support-Reason on every read of
// it): checked before it is sent, and kept for the visit (this tab's sessionStorage, per user).
import { SUPPORT_REASON_MAX_LENGTH } from "@/contracts/support";

export type ReasonCheck = { ok: true; reason: string } | { ok: false; message: string };

// Typing habits a header cannot carry (fetch refuses code points above U+00FF in a header value):
// typographic quotes and dashes become their plain forms instead of an error.
const PLAIN: [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u2032]/g, "'"],
  [/[\u201C\u201D\u201E\u2033]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, "-"],
  [/\u2026/g, "..."],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " "],
];

/** The reason as it will be sent: plain punctuation, one line, spaces collapsed, trimmed. */
export function normalizeReason(text: string): string {
  let value = text;
  for (const [pattern, plain] of PLAIN) value = value.replace(pattern, plain);
  return value.replace(/\s+/g, " ").trim();
}

/** Required, at most SUPPORT_REASON_MAX_LENGTH characters, and only characters an HTTP header can carry. */
export function checkReason(text: string): ReasonCheck {
  const reason = normalizeReason(text);
  if (reason === "") return { ok: false, message: "Enter a ticket number or a sentence saying why you are looking." };
  if (reason.length > SUPPORT_REASON_MAX_LENGTH) {
    return { ok: false, message: `Keep the reason to ${SUPPORT_REASON_MAX_LENGTH} characters or fewer (it has ${reason.length}).` };
  }
  // Printable Latin-1 only: controls are not allowed in a header, and fetch refuses anything above U+00FF.
  const bad = [...reason].find((c) => {
    const code = c.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code < 0xa0) || code > 0xff;
  });
  if (bad !== undefined) return { ok: false, message: `The reason cannot contain “${bad}”. Use letters, digits and plain punctuation.` };
  return { ok: true, reason };
}

const KEY_PREFIX = "support-reason:";

/** Where reasons are kept: this tab's sessionStorage in the browser, a Map in tests. */
export interface ReasonStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function browserStorage(): ReasonStorage | undefined {
  try {
    return typeof sessionStorage === "undefined" ? undefined : sessionStorage;
  } catch {
    // Storage blocked by the browser's settings: the reason lives only as long as the page.
    return undefined;
  }
}

export function loadReason(userId: string, storage: ReasonStorage | undefined = browserStorage()): string | undefined {
  const stored = storage?.getItem(KEY_PREFIX + userId);
  if (!stored) return undefined;
  const check = checkReason(stored);
  return check.ok ? check.reason : undefined;
}

export function saveReason(userId: string, reason: string, storage: ReasonStorage | undefined = browserStorage()): void {
  try {
    storage?.setItem(KEY_PREFIX + userId, reason);
  } catch {
    // Quota or privacy mode: the page keeps the reason in memory for this visit anyway.
  }
}

export function forgetReason(userId: string, storage: ReasonStorage | undefined = browserStorage()): void {
  storage?.removeItem(KEY_PREFIX + userId);
}
