// Graph's JSON answers: one content type and OData version for every feature.
export const ODATA_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** A Graph JSON answer: the OData content type and version on every one. */
export function odataJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": ODATA_JSON, "OData-Version": "4.0", ...headers },
  });
}
