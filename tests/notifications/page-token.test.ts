import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  PageTokenError,
  createPageTokenCodec,
  decodeListPosition,
  encodeListPosition,
} from "@/server/http/page-token";

const codec = createPageTokenCodec(randomBytes(32));
const position = { created: new Date("2026-11-20T10:11:12.345Z"), id: "3407d93c-77f7-4bc0-8fbf-46221a7bed72" };

describe("list skiptokens", () => {
  it("round-trips the keyset position", () => {
    const token = encodeListPosition(codec, "t|u|desc||", position);
    expect(decodeListPosition(codec, "t|u|desc||", token)).toEqual(position);
  });

  it("are URL-safe without encoding", () => {
    const token = encodeListPosition(codec, "b", position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("reveal nothing of what they carry, yet the same page gets the same token", () => {
    const token = encodeListPosition(codec, "b", position);
    const raw = Buffer.from(token, "base64url").toString("latin1");
    expect(raw).not.toContain("2026");
    expect(raw).not.toContain(position.id);
    expect(Buffer.from(token, "base64url").toString("base64")).not.toContain(Buffer.from(position.id).toString("base64").slice(0, 12));
    expect(encodeListPosition(codec, "b", position)).toBe(token);
    const delta = codec.encode("delta", "t|u", { s: "3400", t: 1 });
    expect(Buffer.from(delta, "base64url").toString("latin1")).not.toContain("3400");
  });

  it("reject a token minted for another query shape or user", () => {
    const token = encodeListPosition(codec, "t|u|desc||", position);
    expect(() => decodeListPosition(codec, "t|u|asc||", token)).toThrow(PageTokenError);
    expect(() => decodeListPosition(codec, "t|other|desc||", token)).toThrow(PageTokenError);
  });

  it("reject a token with any byte changed, cut short or lengthened", () => {
    const token = encodeListPosition(codec, "b", position);
    const raw = Buffer.from(token, "base64url");
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      expect(() => decodeListPosition(codec, "b", bad.toString("base64url"))).toThrow(PageTokenError);
    }
    expect(() => decodeListPosition(codec, "b", raw.subarray(0, raw.length - 1).toString("base64url"))).toThrow(PageTokenError);
    expect(() => decodeListPosition(codec, "b", Buffer.concat([raw, Buffer.from([0])]).toString("base64url"))).toThrow(PageTokenError);
  });

  it("reject a token signed with another key", () => {
    const other = createPageTokenCodec(randomBytes(32));
    expect(() => decodeListPosition(codec, "b", encodeListPosition(other, "b", position))).toThrow(PageTokenError);
  });

  it.each(["", "abc", "abc.def", "a.b.c", "!!!.???", `${"A".repeat(10)}.`])("reject garbage %j", (token) => {
    expect(() => decodeListPosition(codec, "b", token)).toThrow(PageTokenError);
  });

  it("reject a genuine token of another kind", () => {
    const delta = codec.encode("delta", "b", { s: "5", t: 0 });
    expect(() => decodeListPosition(codec, "b", delta)).toThrow(PageTokenError);
  });

  it("reject a genuine token whose data is not a position", () => {
    const token = codec.encode("list", "b", { c: "not a date", i: position.id });
    expect(() => decodeListPosition(codec, "b", token)).toThrow(PageTokenError);
  });
});
