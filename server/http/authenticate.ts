// Bearer token validation (jose against the issuer's JWKS) and the caller's
// identity: a delegated user (tid+oid), possibly support staff, or an app.
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { SEND_ROLE, SUPPORT_ROLE, USER_SCOPE } from "../../contracts/identity";
import type { ServiceConfig } from "../config";
import { looksLikeActionToken, type ActionTokenCodec } from "../push/action-token";
import { GraphError } from "./graph-error";

export type Principal =
  | { kind: "user"; tenantId: string; userId: string; upn: string | null; name: string | null; support: boolean }
  | { kind: "app"; tenantId: string; appId: string; canSendToAll: boolean }
  /** A push payload's action token: PATCH of one notification, on behalf of one endpoint. */
  | { kind: "action"; tenantId: string; userId: string; notificationId: string; endpointId: string };

/** Asymmetric algorithms only: `none` and HMAC (a shared-secret forgery path) never verify. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
const CLOCK_SKEW_SECONDS = 60;
/** A GUID as Entra writes object and tenant ids. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verified JWTs are remembered by their text, so a caller's token is verified
 * once rather than on every request (the RSA signature check cost about 1 ms
 * of CPU a request, the most of any one step). A remembered token still has
 * its time claims checked on every request, on the request's clock, as jose
 * checks them; it is verified anew after VERIFIED_TTL_MS of real time, so a
 * key the issuer withdraws stops vouching for it within that. Bearer JWTs are
 * never revoked here (no such list exists), so nothing else could make a
 * verified token fail later.
 */
const VERIFIED_MAX = 10_000;
const VERIFIED_TTL_MS = 5 * 60_000;

interface Verified {
  principal: Principal;
  exp: number;
  nbf: number | undefined;
  /** Date.now() when verified. */
  at: number;
}

const unauthenticated = (message: string) =>
  new GraphError("unauthenticated", message, { "WWW-Authenticate": 'Bearer error="invalid_token"' });

/** A bearer token as a principal; `request` is the request it came with (a $batch's inner requests reuse the batch's). */
export type Authenticate = (authorization: string | undefined, now: Date, request?: Request) => Promise<Principal>;

export function createAuthenticator(
  config: Pick<ServiceConfig, "issuer" | "jwksUri" | "audience"> & Partial<Pick<ServiceConfig, "allowedTenants">>,
  actionTokens?: ActionTokenCodec,
): Authenticate {
  const templated = config.issuer.includes("{tenantid}");
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let resolving: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  // The JWKS location is resolved lazily (the provider may start after the
  // service) and a failed lookup is not cached.
  async function keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (jwks) return jwks;
    resolving ??= (async () => {
      let uri = config.jwksUri;
      if (!uri) {
        const discoveryIssuer = templated ? config.issuer.replace("{tenantid}", "common") : config.issuer;
        const res = await fetch(`${discoveryIssuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) throw new Error(`discovery returned ${res.status}`);
        const doc = (await res.json()) as { jwks_uri?: unknown };
        if (typeof doc.jwks_uri !== "string") throw new Error("discovery document has no jwks_uri");
        uri = doc.jwks_uri;
      }
      jwks = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5_000 });
      return jwks;
    })().finally(() => {
      resolving = undefined;
    });
    return resolving;
  }

  const verified = new Map<string, Verified>();
  /** The remembered principal of `token`, if its time claims still pass at `now` (else it is verified anew, for the right error). */
  const remembered = (token: string, now: Date): Principal | undefined => {
    const v = verified.get(token);
    if (!v) return undefined;
    const secs = Math.floor(now.getTime() / 1000);
    if (Date.now() - v.at > VERIFIED_TTL_MS || v.exp <= secs - CLOCK_SKEW_SECONDS || (v.nbf !== undefined && v.nbf > secs + CLOCK_SKEW_SECONDS)) {
      verified.delete(token);
      return undefined;
    }
    return v.principal;
  };
  const remember = (token: string, payload: JWTPayload, principal: Principal): void => {
    // The oldest goes first when full (a Map iterates in insertion order).
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { principal: Object.freeze(principal), exp: payload.exp!, nbf: payload.nbf, at: Date.now() });
  };

  const allowed = config.allowedTenants && new Set(config.allowedTenants.map((t) => t.toLowerCase()));
  /** ALLOWED_TENANTS: a tenant not on the list is refused like a bad token, whatever else the token proves. */
  const admit = (p: Principal): Principal => {
    if (allowed && !allowed.has(p.tenantId.toLowerCase())) throw unauthenticated("The access token's tenant is not allowed here.");
    return p;
  };

  return async function authenticate(authorization, now) {
    // RFC 6750: no error code when the request carried no credentials at all.
    if (!authorization) throw new GraphError("unauthenticated", "No bearer token was sent.", { "WWW-Authenticate": "Bearer" });
    const m = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i.exec(authorization);
    if (!m) throw unauthenticated("The Authorization header is not a bearer token.");
    const token = m[1]!;

    // Action tokens are never JWTs (see action-token.ts): checked first, by prefix.
    if (looksLikeActionToken(token)) {
      const claims = actionTokens?.verify(token, now);
      if (!claims) throw unauthenticated("The action token is not valid or has expired.");
      return admit({
        kind: "action",
        tenantId: claims.tenantId,
        userId: claims.userId,
        notificationId: claims.notificationId,
        endpointId: claims.endpointId,
      });
    }

    const known = remembered(token, now);
    if (known) return admit(known);

    let expectedIssuer = config.issuer;
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw unauthenticated("The access token is malformed.");
    }
    if (templated) {
      // Entra issues per-tenant issuers; the template accepts any tenant's, and
      // the signature check below proves the token really came from there.
      if (typeof unverified.tid !== "string" || !GUID.test(unverified.tid)) throw unauthenticated("The access token has no valid tid.");
      expectedIssuer = config.issuer.replace("{tenantid}", unverified.tid);
    }

    let keys: ReturnType<typeof createRemoteJWKSet>;
    try {
      keys = await keySet();
    } catch (err) {
      console.error("[service] cannot reach the token issuer's keys:", (err as Error).message);
      throw new GraphError("serviceNotAvailable", "The token issuer's signing keys are unavailable.", { "Retry-After": "5" });
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: expectedIssuer,
        audience: config.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: now,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout || (err instanceof TypeError && /fetch/i.test(err.message))) {
        throw new GraphError("serviceNotAvailable", "The token issuer's signing keys are unavailable.", { "Retry-After": "5" });
      }
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated("The access token has expired.");
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        throw unauthenticated(`The access token's ${err.claim} claim is not accepted.`);
      }
      throw unauthenticated("The access token is not valid.");
    }
    const principal = principalOf(payload);
    remember(token, payload, principal);
    return admit(principal);
  };
}

function stringClaim(payload: JWTPayload, name: string): string | null {
  const v = payload[name];
  return typeof v === "string" && v !== "" ? v : null;
}

/**
 * Who the claims make the caller. A token is app-only only when the issuer
 * says so (`idtyp` = `app`, Entra's optional claim; the local provider sets
 * it): a user's token that carries roles but lost its `scp` must never pass
 * for an app server.
 */
export function principalOf(payload: JWTPayload): Principal {
  const tenantId = stringClaim(payload, "tid");
  const scp = stringClaim(payload, "scp");
  const appOnly = stringClaim(payload, "idtyp") === "app";
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
  if (!tenantId) throw unauthenticated("The access token has no tid claim.");
  if (appOnly && scp !== null) throw unauthenticated("The access token is app-only (idtyp) yet carries delegated scopes.");
  if (scp !== null) {
    const userId = stringClaim(payload, "oid");
    if (!userId) throw unauthenticated("The access token has no oid claim.");
    if (!scp.split(" ").includes(USER_SCOPE)) {
      throw new GraphError("accessDenied", `The token's scopes do not include ${USER_SCOPE}.`);
    }
    return {
      kind: "user",
      tenantId: tenantId.toLowerCase(),
      userId: userId.toLowerCase(),
      upn: stringClaim(payload, "preferred_username") ?? stringClaim(payload, "upn"),
      name: stringClaim(payload, "name"),
      support: roles.includes(SUPPORT_ROLE),
    };
  }
  if (appOnly && roles.length > 0) {
    const appId = stringClaim(payload, "azp") ?? stringClaim(payload, "appid") ?? stringClaim(payload, "client_id") ?? stringClaim(payload, "sub");
    if (!appId) throw unauthenticated("The access token does not name its application.");
    return { kind: "app", tenantId: tenantId.toLowerCase(), appId, canSendToAll: roles.includes(SEND_ROLE) };
  }
  if (roles.length > 0) throw unauthenticated("The access token carries roles but no scp, and its issuer does not mark it app-only (idtyp).");
  throw unauthenticated("The access token carries neither scp nor roles.");
}

/** When a bearer JWT (already authenticated) expires; undefined for anything else (action tokens). */
export function bearerExpiry(authorization: string | undefined): Date | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!token || looksLikeActionToken(token)) return undefined;
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === "number" ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}
