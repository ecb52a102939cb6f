// The reason support gives for looking at a user's data (sent as X-Support-Reason on every read of
// it): checked as the service checks it before it is sent, and kept for the visit (this tab's
// sessionStorage, per user).
import { SUPPORT_REASON_MAX_LENGTH } from "@/contracts/support";

export type ReasonCheck = { ok: true; reason: string } | { ok: false; message: string };

/** The reason as it will be sent: one line, spaces collapsed, trimmed. */
export function normalizeReason(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Required and at most SUPPORT_REASON_MAX_LENGTH characters, as the service counts them (any text:
 * it travels percent-encoded, see encodeSupportReason); no control characters.
 */
export function checkReason(text: string): ReasonCheck {
  const reason = normalizeReason(text);
  if (reason === "") return { ok: false, message: "Enter a ticket number or a sentence saying why you are looking." };
  if (reason.length > SUPPORT_REASON_MAX_LENGTH) {
    return { ok: false, message: `Keep the reason to ${SUPPORT_REASON_MAX_LENGTH} characters or fewer (it has ${reason.length}).` };
  }
  if (/[\u0000-\u001f\u007f]/.test(reason)) return { ok: false, message: "The reason cannot contain control characters." };
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
