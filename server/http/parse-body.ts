// Validation at the edge, once: a request body parsed by a zod schema, and a
// failure a 400 whose message names the field. Features keep their schemas
// (notifications/schemas.ts, endpoints/schemas.ts); the wording lives here.
import { z } from "zod";
import { badRequest, type GraphError } from "./graph-error";

/**
 * An enum member matched case-insensitively, returned in its canonical case.
 * The OpenAPI document lists the members (a transform alone says "string").
 */
export function caseInsensitiveEnum<const T extends readonly string[]>(members: T) {
  return z
    .string()
    .transform((value, ctx) => {
      const hit = members.find((m) => m.toLowerCase() === value.toLowerCase());
      if (!hit) {
        ctx.addIssue({ code: "custom", message: `'${value}' is not one of ${members.join(", ")}` });
        return z.NEVER;
      }
      return hit as T[number];
    })
    .meta({ enum: [...members], description: "Any letter case is accepted; answers use the case listed." });
}

function dropODataAnnotations(body: Record<string, unknown>): Record<string, unknown> {
  // Graph clients may send "@odata.type"; annotations are not properties.
  return Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith("@odata.")));
}

function describe(issue: z.core.$ZodIssue, readOnly: readonly string[]): string {
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? `${issue.path.join(".")}.` : "";
    const keys = issue.keys.map((k) => `${where}${k}`);
    if (!where && issue.keys.every((k) => readOnly.includes(k))) {
      return `${keys.join(", ")} ${keys.length > 1 ? "are" : "is"} read-only`;
    }
    return `${keys.join(", ")} ${keys.length > 1 ? "are not recognized properties" : "is not a recognized property"}`;
  }
  const field = issue.path.length ? issue.path.join(".") : "body";
  if (issue.code === "invalid_type") {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `${field} is required`;
    return `${field} must be ${issue.expected === "object" ? "an object" : `a ${issue.expected}`}`;
  }
  if (issue.code === "too_big") return `${field} is too long or too large (maximum ${String(issue.maximum)})`;
  if (issue.code === "too_small") {
    if (issue.origin === "string" && issue.minimum === 1) return `${field} must not be empty`;
    return `${field} is too short or too small (minimum ${String(issue.minimum)})`;
  }
  return `${field} ${issue.message}`.replace(/ Invalid input/, " is invalid");
}

/** The body as the schema's typed value; `readOnly` properties are named as read-only, not unknown. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: Record<string, unknown>,
  readOnly: readonly string[] = [],
): z.infer<S> {
  const result = schema.safeParse(dropODataAnnotations(body), { reportInput: true });
  if (result.success) return result.data;
  throw badRequest(describe(result.error.issues[0]!, readOnly)) satisfies GraphError;
}
