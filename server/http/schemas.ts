// zod schemas for every body the service accepts. Validation happens here,
// once; a failure becomes a 400 whose message names the field.
import { createECDH } from "node:crypto";
import { z } from "zod";
import { ENDPOINT_PLATFORMS } from "../../contracts/endpoint";
import { PLATFORM_TYPES, PRIORITIES, READ_STATES, USER_ACTION_STATES } from "../../contracts/notification";
import { ISO_DATE_TIME, parseIsoDateTime } from "../notifications/filter";
import { badRequest, type GraphError } from "./graph-error";

export const MAX_EXPIRATION_DAYS = 30;
export const DEFAULT_EXPIRATION_DAYS = 7;

/** An enum member matched case-insensitively, returned in its canonical case. */
function caseInsensitiveEnum<const T extends readonly string[]>(members: T) {
  return z.string().transform((value, ctx) => {
    const hit = members.find((m) => m.toLowerCase() === value.toLowerCase());
    if (!hit) {
      ctx.addIssue({ code: "custom", message: `'${value}' is not one of ${members.join(", ")}` });
      return z.NEVER;
    }
    return hit as T[number];
  });
}

const isoDateTime = z
  .string()
  .regex(ISO_DATE_TIME, "must be an ISO 8601 date-time")
  .refine((s) => parseIsoDateTime(s) !== undefined, "must be a valid date-time from year 1 to 9999");

export const postNotificationSchema = z.strictObject({
  // A host name: letter case carries no meaning, so the upsert key and the stored value are lower case.
  targetHostName: z.string().trim().min(1, "is required").max(255).toLowerCase(),
  appNotificationId: z.string().min(1).max(128).nullish(),
  groupName: z.string().max(128).nullish(),
  payload: z
    .strictObject({
      rawContent: z.string().max(4096).nullish(),
      visualContent: z
        .strictObject({
          title: z.string().min(1, "is required").max(256),
          body: z.string().max(2048).nullish(),
        })
        .nullish(),
    })
    .refine((p) => p.rawContent != null || p.visualContent != null, "needs rawContent or visualContent"),
  priority: caseInsensitiveEnum(PRIORITIES).nullish(),
  displayTimeToLive: z
    .union([z.number().int().min(0), z.string().regex(/^\d{1,10}$/, "must be a whole number of seconds").transform(Number)])
    .pipe(z.number().int().min(0).max(MAX_EXPIRATION_DAYS * 86_400))
    .nullish(),
  expirationDateTime: isoDateTime.nullish(),
  targetPolicy: z
    .strictObject({ platformTypes: z.array(caseInsensitiveEnum(PLATFORM_TYPES)).min(1) })
    .nullish(),
  fallbackPolicy: z
    .looseObject({ fallbackDelayInSeconds: z.number().int().min(60).max(600).optional() })
    .nullish(),
});
export type PostNotification = z.infer<typeof postNotificationSchema>;

/** Resource properties a PATCH may not touch: named as read-only, not unknown. */
const READ_ONLY = [
  "id", "targetHostName", "appNotificationId", "groupName", "payload", "priority", "displayTimeToLive",
  "expirationDateTime", "targetPolicy", "fallbackPolicy", "status", "createdDateTime", "lastModifiedDateTime",
];

export const patchNotificationSchema = z
  .strictObject({
    readState: caseInsensitiveEnum(READ_STATES).optional(),
    userActionState: caseInsensitiveEnum(USER_ACTION_STATES).optional(),
    snoozedUntilDateTime: isoDateTime.nullish(),
  })
  .refine((b) => b.readState !== undefined || b.userActionState !== undefined || b.snoozedUntilDateTime != null, {
    message: "needs at least one of readState, userActionState, snoozedUntilDateTime",
  })
  .refine((b) => (b.userActionState === "snoozed") === (b.snoozedUntilDateTime != null), {
    message: "snoozedUntilDateTime is required with, and only with, userActionState 'snoozed'",
    path: ["snoozedUntilDateTime"],
  });
export type PatchNotification = z.infer<typeof patchNotificationSchema>;

export const bulkActionSchema = z.strictObject({
  groupName: z.string().max(128).nullable().optional(),
  before: isoDateTime.optional(),
});

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

export function parseBody<S extends z.ZodType>(
  schema: S,
  body: Record<string, unknown>,
  readOnly: readonly string[] = [],
): z.infer<S> {
  const result = schema.safeParse(dropODataAnnotations(body), { reportInput: true });
  if (result.success) return result.data;
  throw badRequest(describe(result.error.issues[0]!, readOnly)) satisfies GraphError;
}

export const PATCH_READ_ONLY = READ_ONLY;

// ---- endpoints (push subscriptions) -----------------------------------------

const MAX_PUSH_ENDPOINT_LENGTH = 2048;

/** base64url (padding tolerated, as some browsers send it) whose decoded length is `bytes`; returned unpadded. */
function base64urlBytes(bytes: number, check?: (decoded: Buffer) => string | undefined) {
  return z.string().transform((value, ctx) => {
    const unpadded = value.replace(/=+$/, "");
    if (!/^[A-Za-z0-9_-]+$/.test(unpadded)) {
      ctx.addIssue({ code: "custom", message: "must be base64url" });
      return z.NEVER;
    }
    const decoded = Buffer.from(unpadded, "base64url");
    if (decoded.length !== bytes) {
      ctx.addIssue({ code: "custom", message: `must decode to ${bytes} bytes (got ${decoded.length})` });
      return z.NEVER;
    }
    const problem = check?.(decoded);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return unpadded;
  });
}

function isP256Point(point: Buffer): boolean {
  try {
    // computeSecret rejects a point that is not on the curve: web-push would fail on it at every send.
    // (computeSecret needs a key pair of its own first, or it rejects every point.)
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    ecdh.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}

export const pushSubscriptionSchema = z.object({
  endpoint: z
    .string()
    .min(1, "is required")
    .max(MAX_PUSH_ENDPOINT_LENGTH)
    .refine((s) => {
      try {
        return new URL(s).protocol === "https:";
      } catch {
        return false;
      }
    }, "must be an https: URL"),
  // Milliseconds since the epoch, as PushSubscription.toJSON() gives it.
  expirationTime: z.number().int().min(0).max(253402300799999).nullish(),
  keys: z.object({
    p256dh: base64urlBytes(65, (d) =>
      d[0] !== 0x04 || !isP256Point(d) ? "must be an uncompressed P-256 public key" : undefined,
    ),
    auth: base64urlBytes(16),
  }),
});

export const postSubscriptionSchema = z
  .strictObject({
    platform: caseInsensitiveEnum(ENDPOINT_PLATFORMS).optional(),
    targetHostName: z.string().trim().min(1).max(255).toLowerCase().nullish(),
    appDisplayName: z.string().trim().min(1).max(128).nullish(),
    deviceName: z.string().trim().min(1).max(128).nullish(),
    /** Renews a push-less (`web`) endpoint this browser registered before. */
    id: z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a GUID").toLowerCase().nullish(),
    pushSubscription: pushSubscriptionSchema.nullish(),
  })
  .transform((b, ctx) => {
    const platform = b.platform ?? (b.pushSubscription ? "webPush" : "web");
    if (platform === "webPush" && !b.pushSubscription) {
      ctx.addIssue({ code: "custom", message: "is required for platform 'webPush'", path: ["pushSubscription"] });
      return z.NEVER;
    }
    if (platform === "web" && b.pushSubscription) {
      ctx.addIssue({ code: "custom", message: "is not allowed for platform 'web'", path: ["pushSubscription"] });
      return z.NEVER;
    }
    return { ...b, platform };
  });
export type PostSubscription = z.infer<typeof postSubscriptionSchema>;
