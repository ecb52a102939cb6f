// zod schemas for the notification bodies (POST, PATCH, bulk actions):
// validation happens here, once; parseBody (http/parse-body.ts) words a
// failure as a 400 naming the field.
import { z } from "zod";
import { PLATFORM_TYPES, PRIORITIES, READ_STATES, USER_ACTION_STATES } from "../../contracts/notification";
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
