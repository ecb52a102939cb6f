// Reads a JSON request body under the contract's limits: a body must say it
// is JSON (Content-Type application/json, UTF-8; else 415, and an empty body
// needs none), at most 16 KiB (after decompression too, so a small gzip bomb
// is still 413), gzip or deflate accepted, anything else 415, and every parse
// failure a 400.
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { GraphError, badRequest } from "./graph-error";

export const MAX_BODY_BYTES = 16 * 1024;

const tooLarge = (max: number) => new GraphError("payloadTooLarge", `The request body exceeds ${max} bytes.`);

/**
 * Bodies already in memory, by the Request they belong to: a $batch's inner
 * requests (server/http/batch.ts), whose bodies were read and parsed with the
 * batch. Read from here rather than through a web stream, under the same rules.
 */
const bodiesInMemory = new WeakMap<Request, Uint8Array>();

/** A Request whose body readJsonObject reads from memory (`new Request` would wrap it in a web stream). */
export function requestWithBodyInMemory(url: string, init: Omit<RequestInit, "body">, body: Uint8Array | undefined): Request {
  const req = new Request(url, init);
  if (body !== undefined) bodiesInMemory.set(req, body);
  return req;
}

async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  const inMemory = bodiesInMemory.get(req);
  if (inMemory !== undefined) {
    if (inMemory.byteLength > max) throw tooLarge(max);
    return inMemory;
  }
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
  // A declared length within the cap bounds what the HTTP parser delivers, so
  // the body is read whole: no web stream (the Node adapter reads the socket).
  if (declared !== null && /^\d+$/.test(declared.trim())) {
    try {
      return new Uint8Array(await req.arrayBuffer());
    } catch {
      throw badRequest("The request body could not be read.");
    }
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw badRequest("The request body could not be read.");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

function decode(raw: Uint8Array, encoding: string, max: number): Uint8Array {
  const opts = { maxOutputLength: max };
  const guarded = (fn: () => Uint8Array): Uint8Array => {
    try {
      return fn();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) throw tooLarge(max);
      throw badRequest(`The request body is not valid ${encoding} data.`);
    }
  };
  if (encoding === "gzip" || encoding === "x-gzip") return guarded(() => gunzipSync(raw, opts));
  // HTTP's "deflate" is zlib-wrapped; some clients send raw deflate: accept both.
  return guarded(() => {
    try {
      return inflateSync(raw, opts);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) throw err;
      return inflateRawSync(raw, opts);
    }
  });
}

/**
 * A body is JSON only if it says so: `application/json`, with no parameter
 * but an optional `charset` of UTF-8 (JSON is UTF-8: RFC 8259). Anything else,
 * or no Content-Type at all, is 415 — even when the bytes would parse.
 */
function assertJsonContentType(header: string | null): void {
  const shown = (header ?? "").slice(0, 100);
  if (header === null || header.trim() === "") {
    throw new GraphError("unsupportedMediaType", "A request body needs Content-Type: application/json.");
  }
  const [essence, ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  const ok =
    essence === "application/json" &&
    params.every((p) => {
      if (p === "") return true;
      const m = /^charset\s*=\s*"?([^"]*)"?$/.exec(p);
      return m !== null && (m[1] === "utf-8" || m[1] === "utf8");
    });
  if (!ok) throw new GraphError("unsupportedMediaType", `Content-Type '${shown}' is not supported: send application/json (UTF-8).`);
}

export interface ReadJsonOptions {
  /** Value for an empty body; when absent an empty body is a 400. */
  emptyAs?: Record<string, unknown>;
  /** The size cap, before and after decompression; default MAX_BODY_BYTES (a $batch carries up to 20 bodies). */
  maxBytes?: number;
}

/** The body as a JSON object (never an array, never a primitive). */
export async function readJsonObject(req: Request, opts: ReadJsonOptions = {}): Promise<Record<string, unknown>> {
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!["identity", "gzip", "x-gzip", "deflate"].includes(encoding)) {
    throw new GraphError("unsupportedMediaType", `Content-Encoding '${encoding}' is not supported (use gzip or deflate).`);
  }
  const max = opts.maxBytes ?? MAX_BODY_BYTES;
  let bytes = await readCapped(req, max);
  if (bytes.byteLength > 0) assertJsonContentType(req.headers.get("content-type"));
  if (encoding !== "identity" && bytes.byteLength > 0) bytes = decode(bytes, encoding, max);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") {
    if (opts.emptyAs) return { ...opts.emptyAs };
    throw badRequest("The request body is empty; a JSON object is required.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  if (Array.isArray(parsed)) throw badRequest("The request body is a JSON array; a single JSON object is required (several requests in one call go to $batch).");
  if (parsed === null || typeof parsed !== "object") throw badRequest("The request body must be a JSON object.");
  const bad = findUnstorable(parsed, "");
  if (bad !== undefined) {
    throw badRequest(`${bad.path || "body"} contains ${bad.nul ? "a NUL character" : "an unpaired UTF-16 surrogate"}.`);
  }
  return parsed as Record<string, unknown>;
}

// In unicode mode a well-formed pair is one code point, so \p{Cs} matches only lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * PostgreSQL text cannot hold U+0000, and jsonb rejects an unpaired surrogate
 * escape (a text column would silently store U+FFFD instead): find the first
 * string (or key) with either.
 */
function findUnstorable(value: unknown, path: string): { path: string; nul: boolean } | undefined {
  const check = (text: string, at: string) =>
    text.includes("\u0000") ? { path: at, nul: true } : LONE_SURROGATE.test(text) ? { path: at, nul: false } : undefined;
  if (typeof value === "string") return check(value, path);
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const found = check(key, at) ?? findUnstorable(child, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
