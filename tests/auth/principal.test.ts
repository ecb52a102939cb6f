import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TENANT_A, TENANT_B } from "@/contracts/demo-users";
import { SEND_ROLE, SUPPORT_ROLE, USER_SCOPE } from "@/contracts/identity";
import { createAuthenticator, principalOf } from "@/server/http/authenticate";
import { GraphError } from "@/server/http/graph-error";

const OID = "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01";

function rejection(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    return err as GraphError;
  }
  throw new Error("expected a rejection");
}

interface KeyServer {
  /** Signs as key id "k", which the JWKS serves. */
  key: CryptoKey;
  jwksUri: string;
  close(): Promise<void>;
}

/** A JWKS endpoint on loopback serving one ES256 key (kid "k"). */
async function startKeyServer(): Promise<KeyServer> {
  const pair = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k", alg: "ES256" };
  const server: Server = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    key: pair.privateKey,
    jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("who a token's claims make the caller", () => {
  it("a delegated user, by tid and oid", () => {
    expect(principalOf({ tid: TENANT_A, oid: OID, scp: `openid ${USER_SCOPE}`, preferred_username: "adele@contoso.test" })).toEqual({
      kind: "user",
      tenantId: TENANT_A,
      userId: OID,
      upn: "adele@contoso.test",
      name: null,
      support: false,
    });
  });

  it("support staff: a delegated token that also carries the support role", () => {
    expect(principalOf({ tid: TENANT_A, oid: OID, scp: USER_SCOPE, roles: [SUPPORT_ROLE] })).toMatchObject({ kind: "user", support: true });
  });

  it("an app, by roles without scp, when the issuer marks the token app-only (idtyp)", () => {
    expect(principalOf({ tid: TENANT_A, azp: "notifications-sender", roles: [SEND_ROLE], idtyp: "app" })).toEqual({
      kind: "app",
      tenantId: TENANT_A,
      appId: "notifications-sender",
      canSendToAll: true,
    });
  });

  it("401 for a user's token with roles but no scp: never taken for an app's", () => {
    expect(rejection(() => principalOf({ tid: TENANT_A, oid: OID, roles: [SUPPORT_ROLE] })).code).toBe("unauthenticated");
    expect(rejection(() => principalOf({ tid: TENANT_A, azp: "notifications-sender", roles: [SEND_ROLE] })).code).toBe("unauthenticated");
    expect(rejection(() => principalOf({ tid: TENANT_A, azp: "x", roles: [SEND_ROLE], idtyp: "user" })).code).toBe("unauthenticated");
  });

  it("401 for an app-only token that also carries delegated scopes", () => {
    expect(rejection(() => principalOf({ tid: TENANT_A, oid: OID, scp: USER_SCOPE, roles: [SEND_ROLE], idtyp: "app" })).code).toBe("unauthenticated");
  });

  it("401 for neither scp nor roles, or no tid", () => {
    expect(rejection(() => principalOf({ tid: TENANT_A, oid: OID })).code).toBe("unauthenticated");
    expect(rejection(() => principalOf({ oid: OID, scp: USER_SCOPE })).code).toBe("unauthenticated");
  });

  it("403 for a delegated token without the notifications scope", () => {
    expect(rejection(() => principalOf({ tid: TENANT_A, oid: OID, scp: "User.Read" })).code).toBe("accessDenied");
  });
});

describe("an issuer template with {tenantid}", () => {
  let keys: KeyServer;
  let key: CryptoKey;
  let jwksUri: string;

  beforeAll(async () => {
    keys = await startKeyServer();
    ({ key, jwksUri } = keys);
  });
  afterAll(() => keys.close());

  const token = (tid: string, iss: string) =>
    new SignJWT({ tid, oid: OID, scp: USER_SCOPE })
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer(iss)
      .setAudience("api://notifications")
      .setExpirationTime("5m")
      .sign(key);

  it("accepts each tenant's own issuer and refuses a token claiming another tenant's", async () => {
    const authenticate = createAuthenticator({
      issuer: "https://login.example/{tenantid}/v2.0",
      jwksUri,
      audience: "api://notifications",
    });
    const ok = await authenticate(`Bearer ${await token(TENANT_B, `https://login.example/${TENANT_B}/v2.0`)}`, new Date());
    expect(ok).toMatchObject({ kind: "user", tenantId: TENANT_B });
    const mismatched = await token(TENANT_B, `https://login.example/${TENANT_A}/v2.0`);
    await expect(authenticate(`Bearer ${mismatched}`, new Date())).rejects.toMatchObject({ code: "unauthenticated" });
  });
});

describe("a verified token is remembered, and its time claims still decide", () => {
  let keys: KeyServer;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let jwksUri: string;
  const ISSUER = "https://login.example/tenant/v2.0";

  beforeAll(async () => {
    keys = await startKeyServer();
    ({ key, jwksUri } = keys);
    otherKey = (await generateKeyPair("ES256")).privateKey;
  });
  afterAll(() => keys.close());

  const NOW = Math.floor(Date.now() / 1000);
  const sign = (claims: { exp: number; nbf?: number }, with_ = key) =>
    new SignJWT({ tid: TENANT_A, oid: OID, scp: USER_SCOPE, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer(ISSUER)
      .setAudience("api://notifications")
      .sign(with_);
  const at = (secs: number) => new Date(secs * 1000);

  it("checks the signature once, and the time claims on every request's clock", async () => {
    const authenticate = createAuthenticator({ issuer: ISSUER, jwksUri, audience: "api://notifications" });
    const token = await sign({ exp: NOW + 600, nbf: NOW });
    const verify = vi.spyOn(crypto.subtle, "verify");
    try {
      for (let i = 0; i < 3; i++) expect(await authenticate(`Bearer ${token}`, at(NOW + i))).toMatchObject({ kind: "user", userId: OID });
      expect(verify).toHaveBeenCalledTimes(1);
      // Past exp (and the 60 s of skew) on the request's clock: refused, remembered or not.
      await expect(authenticate(`Bearer ${token}`, at(NOW + 661))).rejects.toMatchObject({ code: "unauthenticated", message: "The access token has expired." });
      // Before nbf, the same.
      const later = await sign({ exp: NOW + 900, nbf: NOW + 300 });
      await expect(authenticate(`Bearer ${later}`, at(NOW + 300))).resolves.toMatchObject({ kind: "user" });
      await expect(authenticate(`Bearer ${later}`, at(NOW + 100))).rejects.toMatchObject({ code: "unauthenticated" });
    } finally {
      verify.mockRestore();
    }
  });

  it("remembers a token by its whole text: the same claims under a signature the keys do not make are refused", async () => {
    const authenticate = createAuthenticator({ issuer: ISSUER, jwksUri, audience: "api://notifications" });
    const claims = { exp: NOW + 600 };
    const genuine = await sign(claims);
    expect(await authenticate(`Bearer ${genuine}`, at(NOW))).toMatchObject({ kind: "user" });
    const [header, payload] = genuine.split(".");
    const forged = `${header}.${payload}.${(await sign(claims, otherKey)).split(".")[2]}`;
    await expect(authenticate(`Bearer ${forged}`, at(NOW))).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("applies ALLOWED_TENANTS to a remembered token too", async () => {
    const authenticate = createAuthenticator({ issuer: ISSUER, jwksUri, audience: "api://notifications", allowedTenants: [TENANT_B] });
    const token = await sign({ exp: NOW + 600 });
    for (let i = 0; i < 2; i++) await expect(authenticate(`Bearer ${token}`, at(NOW))).rejects.toMatchObject({ code: "unauthenticated" });
  });
});
