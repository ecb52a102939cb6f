// Opaque paging tokens ($skiptoken, $deltatoken, the logs' skiptokens) and
// opaque ids: nothing in them is readable. A token is its data encrypted and
// authenticated (AES-256-GCM) with the kind and the binding (the user and the
// query's shape) as associated data, so a tampered, truncated or foreign
// token fails to open and is a 400 — it never reaches SQL — and none reveals
// a sequence number or anything else beyond the caller's own data. The IV is
// synthetic (an HMAC of the associated data and the plaintext): the same page
// gets the same token, and distinct data never share an IV.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ID_BYTES = 16;

export class PageTokenError extends Error {}

export interface PageTokenCodec {
  encode(kind: string, binding: string, data: Record<string, unknown>): string;
  /** The token's data, if it is genuine, of this kind, and bound to this binding. */
  decode(kind: string, binding: string, token: string): Record<string, unknown>;
  /** A stable id for an internal value (a row's sequence number) that reveals nothing of it. */
  opaqueId(kind: string, value: string): string;
}

function derive(key: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `graph-notifications/${purpose}`, 32));
}

export function createPageTokenCodec(key: Uint8Array): PageTokenCodec {
  const encKey = derive(key, "page-token/v2/enc");
  const ivKey = derive(key, "page-token/v2/iv");
  const idKey = derive(key, "opaque-id/v1");
  const aad = (kind: string, binding: string) => Buffer.from(`${kind}\n${binding}`);
  return {
    opaqueId(kind, value) {
      return createHmac("sha256", idKey).update(`${kind}\n${value}`).digest().subarray(0, ID_BYTES).toString("base64url");
    },
    encode(kind, binding, data) {
      const plain = Buffer.from(JSON.stringify(data));
      const ad = aad(kind, binding);
      const iv = createHmac("sha256", ivKey).update(ad).update("\0").update(plain).digest().subarray(0, IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", encKey, iv);
      cipher.setAAD(ad);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
    },
    decode(kind, binding, token) {
      if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new PageTokenError("malformed");
      const raw = Buffer.from(token, "base64url");
      if (raw.length < IV_BYTES + TAG_BYTES + 2) throw new PageTokenError("malformed");
      let plain: Buffer;
      try {
        const decipher = createDecipheriv("aes-256-gcm", encKey, raw.subarray(0, IV_BYTES));
        decipher.setAAD(aad(kind, binding));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PageTokenError("signature");
      }
      let data: unknown;
      try {
        data = JSON.parse(plain.toString("utf8"));
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
