// zod schemas for the notification bodies (POST, PATCH, bulk actions):
// validation happens here, once; parseBody (http/parse-body.ts) words a
// failure as a 400 naming the field. Below them, the answers' shapes, which
// the OpenAPI document (server/openapi/) is generated from with the bodies.
import { z } from "zod";
import { NOTIFICATION_STATUSES, PLATFORM_TYPES, PRIORITIES, READ_STATES, USER_ACTION_STATES } from "../../contracts/notification";
import { caseInsensitiveEnum } from "../http/parse-body";
import { MAX_EXPIRATION_DAYS } from "./defaults";
import { ISO_DATE_TIME, parseIsoDateTime } from "./filter";

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
export const PATCH_READ_ONLY = [
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

// ---- what the service answers ---------------------------------------------
// The wire shapes of contracts/notification.ts as zod, for the OpenAPI
// document (server/openapi/): contracts/ takes no packages, so the shapes'
// zod form lives here, next to the request schemas, and
// tests/service/openapi-contracts.test.ts holds it equal to the contract's
// interfaces. The service does not parse its own answers with these.

const dateTime = z.iso.datetime();

const visualContentSchema = z.object({
  title: z.string(),
  body: z.string().optional(),
});

export const notificationSchema = z
  .object({
    "@odata.etag": z.string().meta({ description: "Opaque; changes with every change of the item. Send it back in If-Match." }),
    id: z.guid(),
    targetHostName: z.string().meta({ description: "The sending app's cross-device domain (lower case)." }),
    appNotificationId: z.string().nullable().meta({ description: "The app server's own id: a second POST with it updates the notification." }),
    groupName: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    displayTimeToLive: z.int().min(0).nullable().meta({ description: "Seconds the OS notification may still stay displayed; null: until it expires." }),
    expirationDateTime: dateTime,
    payload: z.object({ rawContent: z.string().optional(), visualContent: visualContentSchema.optional() }),
    targetPolicy: z.object({ platformTypes: z.array(z.enum(PLATFORM_TYPES)) }),
    fallbackPolicy: z.object({ fallbackDelayInSeconds: z.int().optional() }).nullable(),
    readState: z.enum(READ_STATES),
    userActionState: z.enum(USER_ACTION_STATES),
    snoozedUntilDateTime: dateTime.nullable(),
    status: z.enum(NOTIFICATION_STATUSES).meta({ description: "`deleted`: a tombstone, kept until it expires so delta can report it." }),
    createdDateTime: dateTime,
    lastModifiedDateTime: dateTime,
  })
  .meta({ id: "Notification", description: "A notification in a user's inbox." });

export const notificationEntitySchema = notificationSchema
  .extend({ "@odata.context": z.string() })
  .meta({ id: "NotificationEntity", description: "A notification as GET and PATCH answer it (with its ETag header)." });

/** The 201 body of a send, shaped as Microsoft's captured response. */
export const createdNotificationSchema = z
  .object({
    "@odata.context": z.string(),
    id: z.guid(),
    displayTimeToLive: notificationSchema.shape.displayTimeToLive,
    expirationDateTime: dateTime,
    groupName: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    payload: z.object({ visualContent: visualContentSchema.optional() }).meta({ description: "Echoes visualContent when it was sent, never rawContent." }),
  })
  .meta({ id: "CreatedNotification", description: "What a send answers (Microsoft's captured 201 response)." });

const nextLink = z.string().meta({ description: "The next page: an opaque absolute URL ($skiptoken) to follow as is." });

export const notificationPageSchema = z
  .object({
    "@odata.context": z.string(),
    "@odata.count": z.int().min(0).optional().meta({ description: "With $count=true: every item the query matches." }),
    value: z.array(notificationSchema),
    "@odata.nextLink": nextLink.optional(),
  })
  .meta({ id: "NotificationCollection", description: "A page of an inbox, newest first unless $orderby says otherwise." });

export const deltaRemovalSchema = z
  .object({ id: z.guid(), "@removed": z.object({ reason: z.literal("deleted") }) })
  .meta({ id: "NotificationRemoval", description: "A notification deleted or expired since the delta token." });

export const deltaPageSchema = z
  .object({
    "@odata.context": z.string(),
    value: z.array(z.union([notificationSchema, deltaRemovalSchema])),
    "@odata.nextLink": nextLink.optional(),
    "@odata.deltaLink": z.string().optional().meta({ description: "On the round's last page: call it later for what changed since." }),
  })
  .meta({ id: "NotificationDelta", description: "A page of a delta round: changed items in full, removed ones as @removed." });

export const bulkActionResultSchema = z
  .object({ updated: z.int().min(0).meta({ description: "How many notifications changed." }) })
  .meta({ id: "BulkActionResult" });
