// Whether this page load needs MSAL, decided without loading it: MSAL keeps its account index in
// localStorage (`msal.<schema>.account.keys`, a JSON array; `msal.account.keys` before schemas) and, while
// a redirect is under way or coming back, `msal.interaction.status` in sessionStorage. Neither set:
// nobody is signed in on this browser, and the landing needs no MSAL until "Sign in" is pressed.
// A hint, not a check: the signed-in app still asks MSAL, and shows the landing when it has no account.

/** The attribute of <html> the layout's inline script sets before the first paint ("returning"). */
export const SESSION_ATTRIBUTE = "data-session";

/**
 * Self-contained (no outer references) so that the layout can ship its source as an inline script; any
 * storage error (blocked storage, bad JSON) means no session, since MSAL could not have kept one either.
 */
export function hasMsalSession(win: { readonly localStorage: Storage; readonly sessionStorage: Storage }): boolean {
  try {
    // Reading either property throws where the browser blocks storage.
    if (win.sessionStorage.getItem("msal.interaction.status")) return true;
    const local = win.localStorage;
    for (let i = 0; i < local.length; i++) {
      const key = local.key(i);
      if (!key || !/^msal\.(\d+\.)?account\.keys$/.test(key)) continue;
      const keys: unknown = JSON.parse(local.getItem(key) || "[]");
      if (Array.isArray(keys) && keys.length > 0) return true;
    }
    return false;
  } catch {
    return false;
  }
}

/** The inline script for <head>: marks <html> before anything paints, so the right first screen shows. */
export function sessionHintScript(): string {
  return `try{if((${hasMsalSession.toString()})(window))document.documentElement.setAttribute(${JSON.stringify(SESSION_ATTRIBUTE)},"returning")}catch(e){}`;
}

let decided: boolean | undefined;

/** This page load's answer, read once: a sign-in or sign-out always loads a new page. */
export function returningSession(): boolean {
  if (typeof window === "undefined") return false;
  decided ??= hasMsalSession(window);
  return decided;
}
