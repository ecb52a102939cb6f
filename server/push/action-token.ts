// Action tokens: the capability a push payload carries so the service worker
// can act on a notification's buttons without the user's MSAL tokens. One
// notification id, PATCH only, until that notification expires.
//
// Format: `uat1.<b64url claims>.<b64url HMAC-SHA256, 128 bits>`. Three dot-separated
// parts like a JWT, but the first part is not base64 JSON, so no JWT library
// (and not our own JWT path) can ever take it for one, and vice versa.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export interface ActionClaims {
  tenantId: string;
  userId: string;
  notificationId: string;
  endpointId: string;
  expiresAt: Date;
}

export interface ActionTokenCodec {
  mint(c: ActionClaims): string;
  /** The claims of a genuine, unexpired token; undefined for anything else. */
  verify(token: string, now: Date): ActionClaims | undefined;
}

export const ACTION_TOKEN_PREFIX = "uat1.";
const MAC_BYTES = 16;
const PURPOSE = "graph-notifications/action-token/v1";

/**
 * The action-token key, derived from the store's token key with its own
 * purpose label, so a paging-token MAC can never verify as an action token.
 */
export function deriveActionTokenKey(storeTokenKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", storeTokenKey, Buffer.alloc(0), PURPOSE, 32));
}

/** Whether a bearer token is shaped as an action token (cheap, before any crypto). */
export function looksLikeActionToken(token: string): boolean {
  return token.startsWith(ACTION_TOKEN_PREFIX);
}

const GUIDISH = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
/** Body layouts: all four ids GUIDs packed as 16 bytes each (the usual case), or JSON (any other id shape). */
const PACKED = 0x01;
const JSONED = 0x02;
const EXPIRY_BYTES = 6;

const guidBytes = (g: string) => Buffer.from(g.replace(/-/g, ""), "hex");
const guidText = (b: Buffer) => {
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

function encodeClaims(c: ActionClaims): Buffer {
  const seconds = Math.max(0, Math.min(2 ** 48 - 1, Math.floor(c.expiresAt.getTime() / 1000)));
  const ids = [c.tenantId, c.userId, c.notificationId, c.endpointId];
  if (ids.every((id) => GUIDISH.test(id))) {
    // Packed: 71 bytes, so the whole token is ~125 characters in a 3,000-byte push.
    const out = Buffer.alloc(1 + EXPIRY_BYTES + 64);
    out[0] = PACKED;
    out.writeUIntBE(seconds, 1, EXPIRY_BYTES);
    ids.forEach((id, i) => guidBytes(id).copy(out, 1 + EXPIRY_BYTES + 16 * i));
    return out;
  }
  return Buffer.concat([Buffer.from([JSONED]), Buffer.from(JSON.stringify({ t: c.tenantId, u: c.userId, n: c.notificationId, e: c.endpointId, x: seconds }))]);
}

function decodeClaims(bytes: Buffer): ActionClaims | undefined {
  if (bytes[0] === PACKED) {
    if (bytes.length !== 1 + EXPIRY_BYTES + 64) return undefined;
    const seconds = bytes.readUIntBE(1, EXPIRY_BYTES);
    const [tenantId, userId, notificationId, endpointId] = [0, 1, 2, 3].map((i) =>
      guidText(bytes.subarray(1 + EXPIRY_BYTES + 16 * i, 1 + EXPIRY_BYTES + 16 * (i + 1))),
    ) as [string, string, string, string];
    return { tenantId, userId, notificationId, endpointId, expiresAt: new Date(seconds * 1000) };
  }
  if (bytes[0] !== JSONED) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(bytes.subarray(1).toString("utf8"));
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== "object") return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.t !== "string" || typeof d.u !== "string" || typeof d.e !== "string") return undefined;
  if (typeof d.n !== "string" || !GUIDISH.test(d.n) || typeof d.x !== "number" || !Number.isFinite(d.x)) return undefined;
  return { tenantId: d.t, userId: d.u, notificationId: d.n, endpointId: d.e, expiresAt: new Date(d.x * 1000) };
}

export function createActionTokenCodec(key: Buffer): ActionTokenCodec {
  if (key.length < 32) throw new Error("The action-token key must be at least 32 bytes.");
  const mac = (body: string) => createHmac("sha256", key).update(ACTION_TOKEN_PREFIX + body).digest().subarray(0, MAC_BYTES);
  return {
    mint(c) {
      const body = encodeClaims(c).toString("base64url");
      return `${ACTION_TOKEN_PREFIX}${body}.${mac(body).toString("base64url")}`;
    },
    verify(token, now) {
      if (!looksLikeActionToken(token) || token.length > 1024) return undefined;
      const parts = token.slice(ACTION_TOKEN_PREFIX.length).split(".");
      if (parts.length !== 2) return undefined;
      const [body, sig] = parts as [string, string];
      if (!B64URL.test(body) || !B64URL.test(sig)) return undefined;
      const given = Buffer.from(sig, "base64url");
      const bytes = Buffer.from(body, "base64url");
      // Canonical encodings only: a last character differing in bits the decoder
      // drops would otherwise give a second spelling of the same token.
      if (given.toString("base64url") !== sig || bytes.toString("base64url") !== body) return undefined;
      const expected = mac(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = decodeClaims(bytes);
      if (!claims || claims.expiresAt.getTime() <= now.getTime()) return undefined;
      return claims;
    },
  };
}
