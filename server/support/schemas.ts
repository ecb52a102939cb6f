// zod schemas for support and audit: the receipt body the service worker
// posts (validated here, once; parseBody words a failure as a 400 naming the
// field), and the answers' shapes of contracts/support.ts, which the OpenAPI
// document (server/openapi/) is generated from. contracts/ takes no packages,
// so their zod form lives here; tests/service/openapi-contracts.test.ts holds
// it equal to the contract's interfaces.
import { z } from "zod";
import { ENDPOINT_PLATFORMS } from "../../contracts/endpoint";
import { READ_STATES, USER_ACTION_STATES } from "../../contracts/notification";
import { PUSH_KINDS } from "../../contracts/push-payload";
import { DELIVERY_STEPS, ENDPOINT_REMOVAL_REASONS, EVENT_LOG_KINDS, SHOWN_HOW } from "../../contracts/support";
import { ISO_DATE_TIME, parseIsoDateTime } from "../notifications/filter";

export const receiptSchema = z
  .strictObject({
    outcome: z.enum(["received", "shown"]),
    how: z.enum(SHOWN_HOW).optional(),
    at: z
      .string()
      .regex(ISO_DATE_TIME, "must be an ISO 8601 date-time")
      .refine((s) => parseIsoDateTime(s) !== undefined, "must be a valid date-time")
      .optional()
      .meta({ description: "When it happened on the device; a time in the future or over 7 days old is taken as now." }),
  })
  .refine((b) => (b.outcome === "shown") === (b.how !== undefined), {
    message: "is required with outcome 'shown' and not allowed with 'received'",
    path: ["how"],
  });

// ---- what the service answers ---------------------------------------------

const dateTime = z.iso.datetime();
const context = z.string();
const nextLink = z.string().meta({ description: "The next page: an opaque absolute URL ($skiptoken) to follow as is." });

export const directoryUserSchema = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    userPrincipalName: z.string().nullable(),
    lastSeenDateTime: dateTime.nullable().meta({ description: "When the user last used the app; null: only ever sent to." }),
  })
  .meta({ id: "DirectoryUser", description: "A user of the tenant the service has seen." });

export const userCollectionSchema = z
  .object({ "@odata.context": context, value: z.array(directoryUserSchema), "@odata.nextLink": nextLink.optional() })
  .meta({ id: "UserCollection" });

export const userSummarySchema = directoryUserSchema
  .extend({
    unreadCount: z.int().min(0),
    activeEndpoints: z.int().min(0).meta({ description: "Endpoints registered and not expired." }),
    lastDelivery: z
      .object({
        dateTime,
        endpointId: z.string(),
        deviceName: z.string().nullable(),
        result: z.enum(DELIVERY_STEPS),
        statusCode: z.int().nullable(),
      })
      .nullable()
      .meta({ description: "The latest push sent to any of the user's endpoints; null: none on record." }),
  })
  .meta({ id: "UserSummary", description: "Who the user is and how their inbox stands." });

export const userSummaryEntitySchema = userSummarySchema.extend({ "@odata.context": context }).meta({ id: "UserSummaryEntity" });

const deliveryEndpointSchema = z
  .object({
    id: z.string(),
    platform: z.enum(ENDPOINT_PLATFORMS).nullable(),
    deviceName: z.string().nullable(),
    pushServiceHost: z.string().nullable(),
    removed: z.boolean(),
    removedDateTime: dateTime.nullable(),
    removedReason: z.enum(ENDPOINT_REMOVAL_REASONS).nullable(),
  })
  .meta({ id: "DeliveryEndpoint", description: "The endpoint a record is about, as it was (it may have been removed since)." });

const deliveryStepSchema = z
  .object({
    step: z.enum(DELIVERY_STEPS),
    dateTime,
    pushKind: z.enum(PUSH_KINDS).nullable(),
    statusCode: z.int().nullable(),
    attempts: z.int().nullable(),
    reason: z.string().nullable().meta({ description: "`skipped`: why (a SkipReason); `retrying`/`failed`: the error when there was no HTTP answer." }),
    nextAttemptDateTime: dateTime.nullable(),
    how: z.enum(SHOWN_HOW).nullable(),
  })
  .meta({ id: "DeliveryStep" });

export const deliveryRecordSchema = z
  .object({ endpoint: deliveryEndpointSchema, outcome: z.enum(DELIVERY_STEPS), steps: z.array(deliveryStepSchema) })
  .meta({ id: "DeliveryRecord", description: "One endpoint's story of one notification, oldest step first." });

export const deliveryRecordCollectionSchema = z
  .object({ "@odata.context": context, value: z.array(deliveryRecordSchema) })
  .meta({ id: "DeliveryRecordCollection" });

export const notificationEventSchema = z
  .object({
    id: z.string(),
    notificationId: z.string(),
    dateTime,
    kind: z.enum(EVENT_LOG_KINDS),
    actor: z.object({ kind: z.enum(["user", "app", "service"]), id: z.string().nullable() }),
    endpoint: deliveryEndpointSchema.nullable(),
    pushKind: z.enum(PUSH_KINDS).nullable(),
    change: z
      .object({
        readState: z.enum(READ_STATES).optional(),
        userActionState: z.enum(USER_ACTION_STATES).optional(),
        snoozedUntilDateTime: dateTime.nullable().optional(),
      })
      .nullable(),
    targetHostName: z.string().nullable(),
    appNotificationId: z.string().nullable(),
    title: z.string().nullable(),
  })
  .meta({ id: "NotificationEvent", description: "A change of a notification, or a push the service sent." });

export const notificationEventCollectionSchema = z
  .object({ "@odata.context": context, value: z.array(notificationEventSchema), "@odata.nextLink": nextLink.optional() })
  .meta({ id: "NotificationEventCollection", description: "The event log, newest first." });

export const accessLogEntrySchema = z
  .object({
    id: z.string(),
    dateTime,
    actor: z.object({ id: z.string(), displayName: z.string().nullable(), userPrincipalName: z.string().nullable() }),
    userId: z.string(),
    route: z.string().meta({ description: "Method and path read, ids included." }),
    reason: z.string(),
    requestId: z.string(),
  })
  .meta({ id: "AccessLogEntry", description: "One support read of a user's data." });

export const accessLogCollectionSchema = z
  .object({ "@odata.context": context, value: z.array(accessLogEntrySchema), "@odata.nextLink": nextLink.optional() })
  .meta({ id: "AccessLogCollection", description: "Newest first." });
