// What a POST leaves out, and the checks on what it sets (contract: "The
// notification resource"): pure functions of the parsed body and the
// request's instant.
import { PLATFORM_TYPES, type PlatformType, type Priority } from "../../contracts/notification";
import type { NewNotification, Owner } from "./queries";
import type { PostNotification } from "./schemas";

export const DAY_MS = 86_400_000;
export const MAX_EXPIRATION_DAYS = 30;
export const DEFAULT_EXPIRATION_DAYS = 7;

/** A rule's verdict: the value, or the 400's message. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Default now + 7 days; a requested expiry must be in the future and at most 30 days away. */
export function expirationFor(requested: string | null | undefined, now: Date): Checked<Date> {
  if (requested == null) return { ok: true, value: new Date(now.getTime() + DEFAULT_EXPIRATION_DAYS * DAY_MS) };
  const expiration = new Date(requested);
  if (expiration.getTime() <= now.getTime()) return { ok: false, message: "expirationDateTime is in the past" };
  if (expiration.getTime() > now.getTime() + MAX_EXPIRATION_DAYS * DAY_MS) {
    return { ok: false, message: "expirationDateTime is more than 30 days away" };
  }
  return { ok: true, value: expiration };
}

/** High when there is something to show, else None. */
export function priorityFor(requested: Priority | null | undefined, hasVisualContent: boolean): Priority {
  return requested ?? (hasVisualContent ? "High" : "None");
}

/** The policy's platforms once each, or all of them. */
export function platformTypesFor(targetPolicy: { platformTypes: PlatformType[] } | null | undefined): PlatformType[] {
  return targetPolicy ? [...new Set(targetPolicy.platformTypes)] : [...PLATFORM_TYPES];
}

/** Until when the OS notification may stay displayed; null: until it expires. */
export function displayUntilFor(displayTimeToLive: number | null | undefined, now: Date): Date | null {
  return displayTimeToLive != null ? new Date(now.getTime() + displayTimeToLive * 1000) : null;
}

/** The notification a POST body asks for, defaults applied. */
export function newNotificationFrom(body: PostNotification, owner: Owner, now: Date): Checked<Omit<NewNotification, "id">> {
  const expiration = expirationFor(body.expirationDateTime, now);
  if (!expiration.ok) return expiration;
  const visual = body.payload.visualContent ?? null;
  return {
    ok: true,
    value: {
      ...owner,
      targetHostName: body.targetHostName,
      appNotificationId: body.appNotificationId ?? null,
      groupName: body.groupName ?? null,
      title: visual?.title ?? null,
      body: visual?.body ?? null,
      rawContent: body.payload.rawContent ?? null,
      priority: priorityFor(body.priority, visual !== null),
      displayUntil: displayUntilFor(body.displayTimeToLive, now),
      expiration: expiration.value,
      platformTypes: platformTypesFor(body.targetPolicy),
      fallbackPolicy: body.fallbackPolicy ?? null,
      now,
    },
  };
}
