// The person picked in the search, remembered for the visit so their page can name them before the
// reason is given (their summary is a logged read and needs the reason first).
import type { DirectoryUser } from "@/contracts/support";

const KEY_PREFIX = "support-user:";

export function rememberUser(user: DirectoryUser): void {
  try {
    sessionStorage.setItem(KEY_PREFIX + user.id, JSON.stringify({ id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName }));
  } catch {
    // No storage: the page says "this user" until the summary arrives.
  }
}

export function recallUser(id: string): Pick<DirectoryUser, "id" | "displayName" | "userPrincipalName"> | undefined {
  try {
    const raw = typeof sessionStorage === "undefined" ? null : sessionStorage.getItem(KEY_PREFIX + id);
    if (!raw) return undefined;
    const user = JSON.parse(raw) as Partial<DirectoryUser>;
    if (user.id !== id) return undefined;
    return {
      id,
      displayName: typeof user.displayName === "string" ? user.displayName : null,
      userPrincipalName: typeof user.userPrincipalName === "string" ? user.userPrincipalName : null,
    };
  } catch {
    return undefined;
  }
}

/** How a page names the user: display name, else sign-in name, else "this user". */
export function userLabel(user: Pick<DirectoryUser, "displayName" | "userPrincipalName"> | undefined | null): string {
  return user?.displayName?.trim() || user?.userPrincipalName?.trim() || "this user";
}
