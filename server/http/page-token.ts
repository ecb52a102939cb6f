// Opaque paging tokens ($skiptoken, $deltatoken): base64url JSON plus an HMAC
// over it, bound to the user and the query's shape. A tampered, truncated or
// foreign token fails verification and is a 400 — it never reaches SQL.
import { createHmac, timingSafeEqual } from "node:crypto";

const MAC_BYTES = 16;

export class PageTokenError extends Error {}

export interface PageTokenCodec {
  encode(kind: string, binding: string, data: Record<string, unknown>): string;
  /** The token's data, if it is genuine, of this kind, and bound to this binding. */
  decode(kind: string, binding: string, token: string): Record<string, unknown>;
  /** A stable id for an internal value (a row's sequence number) that reveals nothing of it. */
  opaqueId(kind: string, value: string): string;
}

export function createPageTokenCodec(key: Uint8Array): PageTokenCodec {
  const mac = (kind: string, binding: string, body: string) =>
    createHmac("sha256", key).update(`${kind}\n${binding}\n${body}`).digest().subarray(0, MAC_BYTES);
  return {
    opaqueId(kind, value) {
      return createHmac("sha256", key).update(`opaque-id\n${kind}\n${value}`).digest().subarray(0, MAC_BYTES).toString("base64url");
    },
    encode(kind, binding, data) {
      const body = Buffer.from(JSON.stringify(data)).toString("base64url");
      return `${body}.${mac(kind, binding, body).toString("base64url")}`;
    },
    decode(kind, binding, token) {
      const parts = token.split(".");
      if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
        throw new PageTokenError("malformed");
      }
      const [body, sig] = parts as [string, string];
      const given = Buffer.from(sig, "base64url");
      const expected = mac(kind, binding, body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new PageTokenError("signature");
      let data: unknown;
      try {
        data = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
      } catch {
        throw new PageTokenError("malformed");
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) throw new PageTokenError("malformed");
      return data as Record<string, unknown>;
    },
  };
}

/** The keyset position a list page ends at. */
export interface ListPosition {
  created: Date;
  id: string;
}

export function encodeListPosition(codec: PageTokenCodec, binding: string, pos: ListPosition): string {
  return codec.encode("list", binding, { c: pos.created.toISOString(), i: pos.id });
}

export function decodeListPosition(codec: PageTokenCodec, binding: string, token: string): ListPosition {
  const data = codec.decode("list", binding, token);
  const created = typeof data.c === "string" ? new Date(data.c) : undefined;
  if (!created || Number.isNaN(created.getTime()) || typeof data.i !== "string" || !/^[0-9a-f-]{36}$/.test(data.i)) {
    throw new PageTokenError("malformed");
  }
  return { created, id: data.i };
}
