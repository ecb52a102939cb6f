// The answers' zod schemas (server/*/schemas.ts), which the OpenAPI document is
// generated from, are the contracts' interfaces (contracts/ takes no packages,
// so each shape is written twice): checked by the type checker (`npm run
// typecheck` fails on a difference), and the request bodies the contracts
// describe are accepted by the schemas that validate them.
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { BatchRequestBody, BatchResponseBody } from "../../contracts/batch";
import type { Endpoint, EndpointRegistration } from "../../contracts/endpoint";
import type { BulkActionBody, CreatedNotification, Notification, NotificationPage, NotificationPatch } from "../../contracts/notification";
import type { AccessLogEntry, DeliveryRecord, DirectoryUser, NotificationEventEntry, ReceiptBody, UserSummary } from "../../contracts/support";
import type { endpointSchema, postSubscriptionSchema } from "../../server/endpoints/schemas";
import type { batchRequestSchema } from "../../server/http/batch";
import type { batchResponseSchema } from "../../server/http/schemas";
import type {
  bulkActionSchema,
  createdNotificationSchema,
  notificationPageSchema,
  notificationSchema,
  patchNotificationSchema,
} from "../../server/notifications/schemas";
import type {
  accessLogEntrySchema,
  deliveryRecordSchema,
  directoryUserSchema,
  notificationEventSchema,
  receiptSchema,
  userSummarySchema,
} from "../../server/support/schemas";

/** An intersection (`Pick<…> & {…}`) as one object type, as zod's output is. */
type Flat<T> = { [K in keyof T]: T[K] };

describe("the answers' schemas are the contracts' shapes", () => {
  it("notifications", () => {
    expectTypeOf<z.output<typeof notificationSchema>>().toEqualTypeOf<Notification>();
    expectTypeOf<z.output<typeof createdNotificationSchema>>().toEqualTypeOf<Flat<CreatedNotification>>();
    expectTypeOf<Omit<z.output<typeof notificationPageSchema>, "@odata.context">>().toEqualTypeOf<NotificationPage>();
  });

  it("endpoints", () => {
    expectTypeOf<z.output<typeof endpointSchema>>().toEqualTypeOf<Endpoint>();
  });

  it("support and audit", () => {
    expectTypeOf<z.output<typeof directoryUserSchema>>().toEqualTypeOf<DirectoryUser>();
    expectTypeOf<z.output<typeof userSummarySchema>>().toEqualTypeOf<UserSummary>();
    expectTypeOf<z.output<typeof deliveryRecordSchema>>().toEqualTypeOf<DeliveryRecord>();
    expectTypeOf<z.output<typeof notificationEventSchema>>().toEqualTypeOf<NotificationEventEntry>();
    expectTypeOf<z.output<typeof accessLogEntrySchema>>().toEqualTypeOf<AccessLogEntry>();
  });

  it("batching", () => {
    expectTypeOf<z.output<typeof batchResponseSchema>>().toEqualTypeOf<BatchResponseBody>();
  });
});

describe("the bodies the contracts describe are what the schemas accept", () => {
  it("every contract body fits its schema's input", () => {
    expectTypeOf<NotificationPatch>().toExtend<z.input<typeof patchNotificationSchema>>();
    expectTypeOf<BulkActionBody>().toExtend<z.input<typeof bulkActionSchema>>();
    expectTypeOf<EndpointRegistration>().toExtend<z.input<typeof postSubscriptionSchema>>();
    expectTypeOf<ReceiptBody>().toExtend<z.input<typeof receiptSchema>>();
    expectTypeOf<BatchRequestBody>().toExtend<z.input<typeof batchRequestSchema>>();
  });
});
