// zod schemas for the endpoint (push subscription) bodies: validation happens
// here, once; parseBody (http/parse-body.ts) words a failure as a 400 naming
// the field.
import { createECDH } from "node:crypto";
import { z } from "zod";
import { ENDPOINT_PLATFORMS } from "../../contracts/endpoint";
import { caseInsensitiveEnum } from "../http/parse-body";

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

// ---- what the service answers ---------------------------------------------
// contracts/endpoint.ts's Endpoint as zod, for the OpenAPI document
// (server/openapi/); tests/service/openapi-contracts.test.ts holds the two equal.

const dateTime = z.iso.datetime();

export const endpointSchema = z
  .object({
    id: z.guid().meta({ description: "The UNS id an app server may name in X-UNS-ID." }),
    platform: z.enum(ENDPOINT_PLATFORMS).meta({ description: "`webPush`: receives pushes; `web`: no push permission (live stream only)." }),
    targetHostName: z.string().nullable(),
    appDisplayName: z.string().nullable(),
    deviceName: z.string().nullable().meta({ description: "Readable name of the browser (\"Chrome on Android\")." }),
    createdDateTime: dateTime,
    expirationDateTime: dateTime.nullable().meta({ description: "When it stops existing unless registered again (60 days without renewal, or the subscription's own expiry)." }),
    lastSeenDateTime: dateTime,
    subscriptionExpirationDateTime: dateTime.nullable(),
    lastDeliveryDateTime: dateTime.nullable(),
    lastDeliveryResult: z.string().nullable().meta({ description: "`delivered`, `retrying` or `failed`." }),
    lastDeliveryStatusCode: z.int().nullable().meta({ description: "The push service's HTTP status for the last delivery." }),
    pushServiceHost: z.string().nullable(),
  })
  .meta({ id: "Endpoint", description: "One browser installation of a user. Never its keys or full push URL." });

export const endpointEntitySchema = endpointSchema
  .extend({ "@odata.context": z.string() })
  .meta({ id: "EndpointEntity", description: "An endpoint as GET and POST answer it." });

export const endpointCollectionSchema = z
  .object({ "@odata.context": z.string(), value: z.array(endpointSchema) })
  .meta({ id: "EndpointCollection" });

export const vapidPublicKeySchema = z
  .object({ key: z.string().meta({ description: "The VAPID public key, base64url: the applicationServerKey to subscribe with." }) })
  .meta({ id: "VapidPublicKey" });
