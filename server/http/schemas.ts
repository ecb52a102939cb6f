// The wire shapes every feature shares, as zod for the OpenAPI document
// (server/openapi/): Graph's error body, as errorBody() in graph-error.ts
// writes it. (graph-error.ts itself stays free of zod: proxy.ts imports it.)
import { z } from "zod";
import { GRAPH_ERROR_STATUS, type GraphErrorCode } from "./graph-error";

/** The codes an error answer with `status` may carry. */
export function graphErrorCodes(status: number): GraphErrorCode[] {
  return (Object.keys(GRAPH_ERROR_STATUS) as GraphErrorCode[]).filter((code) => GRAPH_ERROR_STATUS[code] === status);
}

/** Graph's error body; `codes` narrows `error.code` to what one status carries. */
export function graphErrorSchema(codes: readonly GraphErrorCode[] = Object.keys(GRAPH_ERROR_STATUS) as GraphErrorCode[]) {
  return z.object({
    error: z.object({
      code: z.enum(codes as [GraphErrorCode, ...GraphErrorCode[]]),
      message: z.string().meta({ description: "What was wrong, in words (a 400 names the field)." }),
      innerError: z.object({
        "request-id": z.guid().meta({ description: "This request's id, as in the request-id header." }),
        "client-request-id": z.string().optional().meta({ description: "The caller's client-request-id, when it sent one to echo." }),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/).meta({ description: "UTC, seconds precision, no zone letter (2026-11-27T01:02:03)." }),
      }),
    }),
  });
}

/**
 * The answer to POST /$batch (contracts/batch.ts's BatchResponseBody; the
 * request's schema is batch.ts's batchRequestSchema, which validates it).
 */
export const batchResponseSchema = z
  .object({
    responses: z.array(
      z.object({
        id: z.string(),
        status: z.int().min(100).max(599),
        headers: z.record(z.string(), z.string()).meta({ description: "The inner answer's headers (Content-Type, ETag, Location, request-id, …)." }),
        body: z.unknown().optional().meta({ description: "The inner answer's JSON (a text answer such as $count as a string); absent when it has none." }),
      }),
    ),
  })
  .meta({ id: "BatchResponse", description: "One answer per request, in the order given (match them by id)." });
