// Who sees the support area: decided from the API access token's `roles` (display only; the
// service enforces), and the reason support gives before reading a user's data.
import { describe, expect, it } from "vitest";
import { SUPPORT_REASON_MAX_LENGTH } from "@/contracts/support";
import { SUPPORT_ROLE } from "@/contracts/identity";
import { decodeJwtClaims, isSupportToken, tokenRoles } from "@/lib/auth/claims";
import { checkReason, forgetReason, loadReason, saveReason, type ReasonStorage } from "@/lib/support/reason";

function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe("support role from the access token", () => {
  it("is support when `roles` carries Notifications.Support.Read", () => {
    expect(isSupportToken(jwt({ scp: "Notifications.ReadWrite.CreatedByApp", roles: [SUPPORT_ROLE] }))).toBe(true);
  });

  it.each([
    ["no roles", { scp: "x" }],
    ["other roles", { roles: ["Notifications.Send.All"] }],
    ["roles as a string", { roles: SUPPORT_ROLE }],
  ])("is not support with %s", (_name, payload) => {
    expect(isSupportToken(jwt(payload))).toBe(false);
  });

  it("is not support for something that is not a JWT", () => {
    expect(isSupportToken("opaque-token")).toBe(false);
    expect(isSupportToken("a.%%%.c")).toBe(false);
    expect(decodeJwtClaims(`x.${Buffer.from("[1]").toString("base64url")}.y`)).toBeNull();
  });

  it("reads UTF-8 claims and base64url without padding", () => {
    const claims = decodeJwtClaims(jwt({ name: "Zoë Ünal ✓", roles: ["a", 1, "b"] }));
    expect(claims?.name).toBe("Zoë Ünal ✓");
    expect(tokenRoles(claims)).toEqual(["a", "b"]);
  });
});

describe("the support reason", () => {
  it("is required", () => {
    expect(checkReason("   ")).toMatchObject({ ok: false, message: expect.stringMatching(/ticket number or a sentence/) });
  });

  it("is trimmed to one line", () => {
    expect(checkReason("  TICKET-42\n  user says  no push ")).toEqual({ ok: true, reason: "TICKET-42 user says no push" });
  });

  it(`is at most ${SUPPORT_REASON_MAX_LENGTH} characters`, () => {
    expect(checkReason("x".repeat(SUPPORT_REASON_MAX_LENGTH)).ok).toBe(true);
    expect(checkReason("x".repeat(SUPPORT_REASON_MAX_LENGTH + 1))).toMatchObject({ ok: false, message: expect.stringContaining(`${SUPPORT_REASON_MAX_LENGTH} characters`) });
  });

  it("takes any text a person types: accents, typographic punctuation, other scripts, emoji", () => {
    for (const text of ["Zoë’s phone — “no push”…", "工单 42", "push 🔔 missing"]) expect(checkReason(text)).toEqual({ ok: true, reason: text });
  });

  it("refuses control characters", () => {
    expect(checkReason("TICKET\u0007-42")).toMatchObject({ ok: false, message: expect.stringContaining("control characters") });
  });

  it("is kept per user for the visit, and only while valid", () => {
    const map = new Map<string, string>();
    const storage: ReasonStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    expect(loadReason("megan", storage)).toBeUndefined();
    saveReason("megan", "TICKET-42", storage);
    expect(loadReason("megan", storage)).toBe("TICKET-42");
    expect(loadReason("adele", storage)).toBeUndefined();
    map.set("support-reason:adele", "x".repeat(SUPPORT_REASON_MAX_LENGTH + 1));
    expect(loadReason("adele", storage)).toBeUndefined();
    forgetReason("megan", storage);
    expect(loadReason("megan", storage)).toBeUndefined();
  });
});
