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
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it("reject a token minted for another query shape or user", () => {
    const token = encodeListPosition(codec, "t|u|desc||", position);
    expect(() => decodeListPosition(codec, "t|u|asc||", token)).toThrow(PageTokenError);
    expect(() => decodeListPosition(codec, "t|other|desc||", token)).toThrow(PageTokenError);
  });

  it("reject a token whose body was changed", () => {
    const token = encodeListPosition(codec, "b", position);
    const [, mac] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ c: "2030-01-01T00:00:00.000Z", i: position.id })).toString("base64url");
    expect(() => decodeListPosition(codec, "b", `${forged}.${mac}`)).toThrow(PageTokenError);
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
