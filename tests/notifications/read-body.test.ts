import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { GraphError } from "@/server/http/graph-error";
import { MAX_BODY_BYTES, readJsonObject } from "@/server/http/read-body";

function req(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://x/", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

/** A request whose Content-Type is exactly `type` (none when null; a string body would default to text/plain). */
function typed(body: string, type: string | null): Request {
  const r = new Request("http://x/", { method: "POST", body: new TextEncoder().encode(body) });
  if (type === null) r.headers.delete("content-type");
  else r.headers.set("content-type", type);
  return r;
}

async function failure(r: Request): Promise<GraphError> {
  try {
    await readJsonObject(r);
  } catch (err) {
    expect(err).toBeInstanceOf(GraphError);
    return err as GraphError;
  }
  throw new Error("expected a failure");
}

describe("reading a JSON body", () => {
  it("parses a plain object", async () => {
    await expect(readJsonObject(req('{"a":1}'))).resolves.toEqual({ a: 1 });
  });

  it("decompresses gzip and deflate (zlib or raw)", async () => {
    const json = Buffer.from('{"a":"zipped"}');
    await expect(readJsonObject(req(gzipSync(json), { "content-encoding": "gzip" }))).resolves.toEqual({ a: "zipped" });
    await expect(readJsonObject(req(deflateSync(json), { "content-encoding": "deflate" }))).resolves.toEqual({ a: "zipped" });
  });

  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", 'application/json; charset="utf-8"', "application/json;"])(
    "takes a body sent as %s",
    async (type) => {
      await expect(readJsonObject(typed('{"a":1}', type))).resolves.toEqual({ a: 1 });
    },
  );

  it.each([null, "", "text/plain", "text/plain;charset=UTF-8", "application/xml", "image/png", "application/x-www-form-urlencoded",
    "application/json; charset=latin1", "application/json; boundary=x", "application/jsonp", "multipart/form-data"])(
    "refuses valid JSON sent as %s with 415, naming what to send",
    async (type) => {
      const err = await failure(typed('{"a":1}', type));
      expect(err.code).toBe("unsupportedMediaType");
      expect(err.status).toBe(415);
      expect(err.message).toMatch(/application\/json/);
    },
  );

  it("takes an empty body without a Content-Type where an empty body is allowed", async () => {
    await expect(readJsonObject(typed("", null), { emptyAs: { all: true } })).resolves.toEqual({ all: true });
  });

  it("refuses other encodings with 415", async () => {
    expect((await failure(req("{}", { "content-encoding": "br" }))).code).toBe("unsupportedMediaType");
  });

  it("refuses more than 16 KiB with 413, also when it only grows that big when decompressed", async () => {
    const big = JSON.stringify({ a: "x".repeat(MAX_BODY_BYTES) });
    expect((await failure(req(big))).code).toBe("payloadTooLarge");
    expect((await failure(req(gzipSync(Buffer.from(big)), { "content-encoding": "gzip" }))).code).toBe("payloadTooLarge");
  });

  it.each([
    ["not JSON", "hello", /not valid JSON/],
    ["an array", "[{}]", /array/],
    ["a primitive", "42", /JSON object/],
    ["null", "null", /JSON object/],
    ["empty", "", /empty/],
  ])("refuses a body that is %s with 400", async (_name, body, message) => {
    const err = await failure(req(body));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
  });

  it("refuses a NUL character anywhere in the body with 400 naming the field (PostgreSQL text cannot hold it)", async () => {
    const err = await failure(req(JSON.stringify({ payload: { visualContent: { title: "a\u0000b" } } })));
    expect(err.status).toBe(400);
    expect(err.message).toBe("payload.visualContent.title contains a NUL character.");
  });

  it("refuses an unpaired surrogate in a value or key with 400 naming the field (jsonb rejects it), keeps a pair", async () => {
    const inValue = await failure(req('{"fallbackPolicy":{"note":"x\\ud800"}}'));
    expect(inValue.status).toBe(400);
    expect(inValue.message).toBe("fallbackPolicy.note contains an unpaired UTF-16 surrogate.");
    const inKey = await failure(req('{"fallbackPolicy":{"\\udc00":1}}'));
    expect(inKey.message).toBe("fallbackPolicy.\udc00 contains an unpaired UTF-16 surrogate.");
    await expect(readJsonObject(req('{"title":"\\ud83d\\ude80"}'))).resolves.toEqual({ title: "\u{1F680}" });
  });

  it("refuses corrupt gzip data with 400", async () => {
    expect((await failure(req("not gzip", { "content-encoding": "gzip" }))).status).toBe(400);
  });

  it("reads an empty body as the given default when allowed", async () => {
    await expect(readJsonObject(req(null), { emptyAs: {} })).resolves.toEqual({});
  });
});
