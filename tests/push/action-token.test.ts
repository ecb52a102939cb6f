import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createActionTokenCodec, deriveActionTokenKey, type ActionClaims } from "../../server/push/action-token";
import { createPageTokenCodec } from "../../server/http/page-token";

const storeKey = randomBytes(32);
const codec = createActionTokenCodec(deriveActionTokenKey(storeKey));
const now = new Date("2026-11-27T10:00:00Z");
const claims: ActionClaims = {
  tenantId: "6f1c2a57-0a4e-4c1b-9d53-5a7e3f0c1a01",
  userId: "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01",
  notificationId: "3407d93c-77f7-4bc0-8fbf-46221a7bed72",
  endpointId: "0b6d2f3e-5a4c-4d3b-9e2f-1a0b9c8d7e6f",
  expiresAt: new Date("2026-12-04T10:00:00Z"),
};

describe("action tokens", () => {
  it("round-trips its claims (expiry to the second)", () => {
    expect(codec.verify(codec.mint(claims), now)).toEqual(claims);
  });

  it("is compact enough to ride in every push (under 150 bytes) and never looks like a JWT", () => {
    const token = codec.mint(claims);
    expect(token.length).toBeLessThan(150);
    expect(token.startsWith("uat1.")).toBe(true);
    // A JWT's first segment is base64url JSON ("eyJ…"); ours is the literal "uat1".
    expect(token.split(".")[0]).toBe("uat1");
  });

  it("round-trips ids that are not GUIDs (any issuer's oid) through its longer form", () => {
    const odd = { ...claims, userId: "00000000-0000-0000-0000-00000000abcd@x", tenantId: "contoso" };
    expect(codec.verify(codec.mint(odd), now)).toEqual(odd);
  });

  it("is refused at and after the notification's expiry", () => {
    const token = codec.mint(claims);
    expect(codec.verify(token, new Date(claims.expiresAt.getTime() - 1000))).toBeDefined();
    expect(codec.verify(token, claims.expiresAt)).toBeUndefined();
    expect(codec.verify(token, new Date(claims.expiresAt.getTime() + 1))).toBeUndefined();
  });

  it("is refused when any character of its claims or MAC is changed (every replacement, every position)", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // Several tokens, so the final characters (which carry bits the decoder drops) vary.
    for (const expiresAt of [claims.expiresAt, new Date("2026-12-05T11:12:13Z"), new Date("2026-12-06T01:02:03Z")]) {
      const token = codec.mint({ ...claims, expiresAt });
      for (let i = 5; i < token.length; i++) {
        if (token[i] === ".") continue;
        for (const ch of alphabet) {
          if (ch === token[i]) continue;
          const changed = token.slice(0, i) + ch + token.slice(i + 1);
          expect(codec.verify(changed, now), `position ${i} → ${ch}`).toBeUndefined();
        }
      }
    }
  });

  it("is refused when its claims are re-signed for another notification without the key", () => {
    const [, , mac] = codec.mint(claims).split(".");
    const other = codec.mint({ ...claims, notificationId: "11111111-2222-4333-8444-555555555555" });
    const [, body] = other.split(".");
    expect(codec.verify(`uat1.${body}.${mac}`, now)).toBeUndefined();
  });

  it("is refused by a codec with another key, and by one keyed with the raw store key", () => {
    const token = codec.mint(claims);
    expect(createActionTokenCodec(deriveActionTokenKey(randomBytes(32))).verify(token, now)).toBeUndefined();
    expect(createActionTokenCodec(Buffer.from(storeKey)).verify(token, now)).toBeUndefined();
  });

  it("derives a key different from the store's token key", () => {
    expect(deriveActionTokenKey(storeKey).equals(storeKey)).toBe(false);
    expect(deriveActionTokenKey(storeKey).equals(deriveActionTokenKey(storeKey))).toBe(true);
  });

  it("cannot be made from a paging token signed with the store key", () => {
    const page = createPageTokenCodec(storeKey).encode("list", "x", { n: claims.notificationId });
    expect(codec.verify(`uat1.${page}`, now)).toBeUndefined();
  });

  it("refuses malformed input without throwing", () => {
    for (const bad of ["", "uat1.", "uat1..", "uat1.a.b.c", "uat1.!!.??", "eyJhbGciOiJub25lIn0.e30.", `uat1.${"A".repeat(2000)}.x`]) {
      expect(codec.verify(bad, now), bad).toBeUndefined();
    }
  });

  it("refuses a short key", () => {
    expect(() => createActionTokenCodec(randomBytes(16))).toThrow(/32 bytes/);
  });
});
