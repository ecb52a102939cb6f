// Graph's JSON answers: one content type and OData version for every feature.
export const ODATA_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/**
 * The JSON text of each answer odataJson made, by its Response: a $batch
 * (server/http/batch.ts) reads its inner answers from here instead of through
 * a web stream. An answer a middleware replaced is not here, and is read as
 * any Response is.
 */
const answeredJson = new WeakMap<Response, string>();

/** A Graph JSON answer: the OData content type and version on every one. */
export function odataJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  const res = new Response(text, {
    status,
    headers: { "Content-Type": ODATA_JSON, "OData-Version": "4.0", ...headers },
  });
  answeredJson.set(res, text);
  return res;
}

/** The JSON text odataJson wrote into `res`, if it made it (the body itself is left unread). */
export function jsonAnswered(res: Response): string | undefined {
  return answeredJson.get(res);
}
