// lib/auth/session-hint.ts: whether a page load needs MSAL, read from MSAL's own storage keys without
// loading MSAL; and the inline script the layout ships, which must give the same answer before paint.
import { describe, expect, it } from "vitest";
import { hasMsalSession, SESSION_ATTRIBUTE, sessionHintScript } from "@/lib/auth/session-hint";

/** A Web Storage over a map, as the browser's. */
function storage(entries: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, String(v)),
    removeItem: (k: string) => void map.delete(k),
    clear: () => map.clear(),
  };
}

function browser(local: Record<string, string> = {}, session: Record<string, string> = {}) {
  return { localStorage: storage(local), sessionStorage: storage(session) };
}

/** Runs the inline script against a fake window and document; returns the attribute it set, if any. */
function runScript(win: { localStorage: Storage; sessionStorage: Storage }): string | undefined {
  const attributes = new Map<string, string>();
  const documentElement = { setAttribute: (name: string, value: string) => void attributes.set(name, value) };
  new Function("window", "document", sessionHintScript())(win, { documentElement });
  return attributes.get(SESSION_ATTRIBUTE);
}

const ACCOUNT = "uid.utid-login.example-tenant";

describe("hasMsalSession", () => {
  it.each([
    ["MSAL 5's account index (schema 3) with an account", browser({ "msal.3.account.keys": JSON.stringify([ACCOUNT]) }), true],
    ["an older schema's index", browser({ "msal.2.account.keys": JSON.stringify([ACCOUNT]) }), true],
    ["the unversioned index", browser({ "msal.account.keys": JSON.stringify([ACCOUNT]) }), true],
    ["a redirect under way or coming back (interaction status)", browser({}, { "msal.interaction.status": '{"clientId":"inbox-web","type":"signin"}' }), true],
    ["empty storage", browser(), false],
    ["an empty account index (signed out)", browser({ "msal.3.account.keys": "[]" }), false],
    ["MSAL's other keys only", browser({ "msal.version": "5.30.0", "msal.3.token.keys.inbox-web": "{}" }), false],
    ["an index that is not JSON", browser({ "msal.3.account.keys": "{" }), false],
    ["a look-alike key", browser({ "xmsal.3.account.keys": JSON.stringify([ACCOUNT]) }), false],
  ])("%s → %s", (_name, win, expected) => {
    expect(hasMsalSession(win)).toBe(expected);
    expect(runScript(win)).toBe(expected ? "returning" : undefined);
  });

  it("blocked storage counts as no session, in the function and in the script", () => {
    const blocked = {
      get localStorage(): Storage {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
      get sessionStorage(): Storage {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    };
    expect(hasMsalSession(blocked)).toBe(false);
    expect(runScript(blocked)).toBeUndefined();
  });
});
