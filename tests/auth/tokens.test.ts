// Token validation (contract: Identity and authorization). Bad tokens are made
// from real ones: altered, re-signed with a key the service does not trust, or
// signed with a key it does trust (served beside the provider's own keys) so a
// single wrong claim is the only thing that can make the service refuse them.
import { createHmac, randomUUID } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../../testing/users";
import { SEND_ROLE, SUPPORT_ROLE, USER_SCOPE } from "../../contracts/identity";
import type { Stack } from "../../testing/stack";
import { call, countOf, expectGraphError, visualNotification, type CallOptions } from "../helpers/graph";
import { startClockStack, type ClockStack } from "../../testing/clock-stack";

const { adele: ADELE, megan: MEGAN, sam: SUPPORT } = users;
const TRUSTED_KID = "integration-test-key";

let stack: Stack;
let realUser: string;
let realApp: string;
let userClaims: JWTPayload;
let appClaims: JWTPayload;
let clock: ClockStack;
let untrustedKey: CryptoKey;

beforeAll(async () => {
  // The clock never moves here: only the trusted key is wanted.
  clock = await startClockStack(TRUSTED_KID);
  stack = clock.stack;
  untrustedKey = (await generateKeyPair("RS256")).privateKey;
  [realUser, realApp] = await Promise.all([stack.tokenFor(ADELE.upn), stack.appTokenFor()]);
  userClaims = decodeJwt(realUser);
  appClaims = decodeJwt(realApp);
});

afterAll(async () => {
  await stack?.close();
});

/** A token with the real token's claims, `changes` applied (undefined deletes), signed with `key` (default: the trusted one). */
async function forge(base: JWTPayload, changes: Record<string, unknown>, key?: CryptoKey, kid?: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return clock.sign({ ...base, iat: now, nbf: now - 5, exp: now + 600, jti: randomUUID(), ...changes }, { key, kid });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function expectStatus(token: string | undefined, status: number, code: string, path = "/me/notifications", opts: CallOptions = {}) {
  const res = await call(stack, path, { ...opts, token, headers: { ...opts.headers } });
  expectGraphError(res, status, code);
  return res;
}

describe("tokens the service accepts", () => {
  it("accepts a real delegated token from the provider", async () => {
    const res = await call(stack, "/me/notifications", { token: realUser });
    expect(res.status, res.text).toBe(200);
  });

  it("accepts a correctly signed token with correct claims from the test's trusted key (the control for the forged cases)", async () => {
    const res = await call(stack, "/me/notifications", { token: await forge(userClaims, {}) });
    expect(res.status, res.text).toBe(200);
  });

  it("accepts a real app token on POST /users/{id}/notifications", async () => {
    const res = await call(stack, `/users/${MEGAN.oid}/notifications`, { method: "POST", token: realApp, json: visualNotification("ok") });
    expect(res.status, res.text).toBe(201);
  });
});

describe("401 unauthenticated", () => {
  it("refuses a request without a token", async () => {
    await expectStatus(undefined, 401, "unauthenticated");
  });

  it("refuses an Authorization header that is not a bearer token", async () => {
    await expectStatus(undefined, 401, "unauthenticated", "/me/notifications", { headers: { authorization: "Basic YWRlbGU6cGFzc3dvcmQ=" } });
  });

  it("refuses a malformed token", async () => {
    await expectStatus("not-a-jwt", 401, "unauthenticated");
    await expectStatus("a.b.c", 401, "unauthenticated");
  });

  it("refuses a real token whose claims were altered after signing", async () => {
    const [header, , signature] = realUser.split(".");
    const altered = `${header}.${b64url({ ...userClaims, oid: MEGAN.oid })}.${signature}`;
    await expectStatus(altered, 401, "unauthenticated");
  });

  it("refuses a real token re-signed with a key the service does not trust", async () => {
    const providerKid = decodeProtectedHeader(realUser).kid;
    await expectStatus(await forge(userClaims, {}, untrustedKey, providerKid), 401, "unauthenticated");
  });

  it("refuses a token with alg none", async () => {
    const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(userClaims)}.`;
    await expectStatus(unsigned, 401, "unauthenticated");
  });

  it("refuses an HS256 token keyed with the provider's public key (algorithm confusion)", async () => {
    const { jwks_uri } = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const { keys } = (await (await fetch(jwks_uri)).json()) as { keys: JWK[] };
    const kid = decodeProtectedHeader(realUser).kid;
    const secret = JSON.stringify(keys.find((k) => k.kid === kid) ?? keys[0]);
    const signingInput = `${b64url({ alg: "HS256", typ: "JWT", kid })}.${b64url(userClaims)}`;
    const signature = createHmac("sha256", secret).update(signingInput).digest("base64url");
    await expectStatus(`${signingInput}.${signature}`, 401, "unauthenticated");
  });

  for (const aud of ["api://someone-else", "https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"]) {
    it(`refuses a token for another audience (${aud})`, async () => {
      await expectStatus(await forge(userClaims, { aud }), 401, "unauthenticated");
    });
  }

  it("refuses a token from another issuer", async () => {
    await expectStatus(await forge(userClaims, { iss: "https://login.example.test/evil/v2.0" }), 401, "unauthenticated");
  });

  it("refuses an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectStatus(await forge(userClaims, { iat: now - 4200, nbf: now - 4200, exp: now - 600 }), 401, "unauthenticated");
  });

  it("refuses a token that is not valid yet", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectStatus(await forge(userClaims, { iat: now, nbf: now + 600, exp: now + 4200 }), 401, "unauthenticated");
  });

  it("refuses a token with neither scp nor roles", async () => {
    await expectStatus(await forge(userClaims, { scp: undefined, roles: undefined }), 401, "unauthenticated");
  });

  it("refuses a user's token that carries a role but no scp (it is no app's token)", async () => {
    await expectStatus(await forge(userClaims, { scp: undefined, roles: [SUPPORT_ROLE] }), 401, "unauthenticated");
    await expectStatus(await forge(userClaims, { scp: undefined, roles: [SEND_ROLE] }), 401, "unauthenticated", `/users/${MEGAN.oid}/notifications`, {
      method: "POST",
      json: visualNotification("role without scp"),
    });
  });

  it("refuses an app's token its issuer did not mark app-only (no idtyp)", async () => {
    expect(appClaims.idtyp).toBe("app");
    await expectStatus(await forge(appClaims, { idtyp: undefined }), 401, "unauthenticated", `/users/${MEGAN.oid}/notifications`, {
      method: "POST",
      json: visualNotification("no idtyp"),
    });
  });

  it("refuses a token whose scp and roles are empty", async () => {
    await expectStatus(await forge(userClaims, { scp: "", roles: [] }), 401, "unauthenticated");
  });

  it("stores nothing for an unauthenticated POST", async () => {
    const before = await countOf(stack, realUser);
    await expectStatus(undefined, 401, "unauthenticated", "/me/notifications", { method: "POST", json: visualNotification("anon") });
    await expectStatus(await forge(userClaims, { aud: "api://someone-else" }), 401, "unauthenticated", "/me/notifications", {
      method: "POST",
      json: visualNotification("wrong audience"),
    });
    expect(await countOf(stack, realUser)).toBe(before);
  });
});

describe("403 accessDenied", () => {
  it("refuses a delegated token without the Notifications scope", async () => {
    await expectStatus(await forge(userClaims, { scp: "User.Read Mail.Read" }), 403, "accessDenied");
  });

  it("refuses an app token on GET /me/notifications", async () => {
    await expectStatus(realApp, 403, "accessDenied");
  });

  it("refuses an app token on POST /me/notifications without X-UNS-ID", async () => {
    await expectStatus(realApp, 403, "accessDenied", "/me/notifications", { method: "POST", json: visualNotification("no uns") });
  });

  it("refuses a delegated token on POST /users/{id}/notifications", async () => {
    await expectStatus(realUser, 403, "accessDenied", `/users/${MEGAN.oid}/notifications`, {
      method: "POST",
      json: visualNotification("user to user"),
    });
  });

  it("refuses a support user's token on POST /users/{id}/notifications (support may only read)", async () => {
    const support = await stack.tokenFor(SUPPORT.upn);
    expect(decodeJwt(support).scp).toContain(USER_SCOPE);
    await expectStatus(support, 403, "accessDenied", `/users/${MEGAN.oid}/notifications`, {
      method: "POST",
      json: visualNotification("support sends"),
    });
  });

  it("refuses an ordinary user reading another user's inbox through /users/{id}/notifications (support only)", async () => {
    await expectStatus(realUser, 403, "accessDenied", `/users/${MEGAN.oid}/notifications`);
  });

  it("refuses an app token reading a user's inbox through /users/{id}/notifications (support only)", async () => {
    await expectStatus(realApp, 403, "accessDenied", `/users/${MEGAN.oid}/notifications`);
  });

  it("refuses an app token without the Send.All role on POST /users/{id}/notifications", async () => {
    expect(appClaims.roles).toContain(SEND_ROLE);
    const token = await forge(appClaims, { roles: ["Notifications.Something.Else"] });
    await expectStatus(token, 403, "accessDenied", `/users/${MEGAN.oid}/notifications`, {
      method: "POST",
      json: visualNotification("wrong role"),
    });
  });
});
