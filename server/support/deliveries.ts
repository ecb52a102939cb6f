// The delivery record support reads (`GET /users/{id}/notifications/{nid}/deliveries`):
// one record per endpoint the notification was meant for, from the steps the
// delivery job and the devices' receipts wrote (delivery_steps), and, for an
// endpoint with no step of its own, why nothing happened there, worked out
// from what the service knows (a push-less endpoint, one registered later, an
// expired subscription, a push owed to nobody, or one still queued).
import type { PushKind } from "../../contracts/push-payload";
import type {
  DeliveryEndpoint,
  DeliveryRecord,
  DeliveryStep,
  DeliveryStepKind,
  EndpointRemovalReason,
  ShownHow,
  SkipReason,
} from "../../contracts/support";
import type { DisplayEventRow, KnownEndpointRow, StepRow } from "./queries";

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** Within one instant, steps read in this order. */
const RANK: Record<DeliveryStepKind, number> = {
  queued: 0,
  skipped: 1,
  sent: 2,
  retrying: 2,
  failed: 2,
  subscriptionRemoved: 2,
  received: 3,
  shown: 4,
};

export function toDeliveryEndpoint(e: KnownEndpointRow | undefined, id: string): DeliveryEndpoint {
  return {
    id,
    platform: e?.platform ?? null,
    deviceName: e?.device_name ?? null,
    pushServiceHost: e?.push_service_host ?? null,
    removed: e === undefined || e.removed_at !== null,
    removedDateTime: iso(e?.removed_at ?? null),
    removedReason: (e?.removed_reason as EndpointRemovalReason | null | undefined) ?? null,
  };
}

function toStep(r: StepRow): DeliveryStep {
  return {
    step: r.step as DeliveryStepKind,
    dateTime: r.at.toISOString(),
    pushKind: (r.push_kind as PushKind | null) ?? null,
    statusCode: r.status_code,
    attempts: r.attempts,
    reason: r.reason,
    nextAttemptDateTime: iso(r.next_at),
    how: (r.how as ShownHow | null) ?? null,
  };
}

function derived(step: DeliveryStepKind, at: Date, reason: SkipReason | null, pushKind: PushKind | null): DeliveryStep {
  return { step, dateTime: at.toISOString(), pushKind, statusCode: null, attempts: null, reason, nextAttemptDateTime: null, how: null };
}

function pushKindOfEvent(kind: string): PushKind {
  return kind === "created" ? "created" : "updated";
}

export interface DeliveryInput {
  /** The notification's creation. */
  created: Date;
  displayEvents: readonly DisplayEventRow[];
  steps: readonly StepRow[];
  endpoints: readonly KnownEndpointRow[];
  /** Whether a push service is on the allowlist (an endpoint on one that is not never gets a push). */
  allowed: (pushEndpoint: string) => boolean;
}

/** Why an endpoint with no step of its own got nothing (or that its push is still queued). */
function withoutSteps(e: KnownEndpointRow, input: DeliveryInput, notOwed: StepRow | undefined): DeliveryStep {
  const events = input.displayEvents;
  const first = events[0];
  const last = events[events.length - 1];
  const firstAt = first?.at ?? input.created;
  const kind = last ? pushKindOfEvent(last.kind) : "created";
  if (e.platform !== "webPush" || e.push_endpoint === null) return derived("skipped", firstAt, "noPushSubscription", kind);
  if (last && e.created.getTime() > last.at.getTime()) return derived("skipped", e.created, "registeredLater", kind);
  if (notOwed) return { ...toStep(notOwed), reason: notOwed.reason };
  if (e.expiration !== null && e.expiration.getTime() <= firstAt.getTime()) {
    return derived("skipped", e.push_expiration && e.push_expiration.getTime() <= firstAt.getTime() ? e.push_expiration : e.expiration, "subscriptionExpired", kind);
  }
  if (e.push_endpoint !== null && !input.allowed(e.push_endpoint)) return derived("skipped", firstAt, "pushServiceNotAllowed", kind);
  if (last && last.endpoint_id === e.id) return derived("skipped", last.at, "actingEndpoint", kind);
  return derived("queued", last?.at ?? firstAt, null, kind);
}

/**
 * One record per endpoint the notification was meant for: every endpoint with
 * a step of its own (removed ones included), and every endpoint the user has
 * now (with why nothing happened there). Devices first by name.
 */
export function buildDeliveryRecords(input: DeliveryInput): DeliveryRecord[] {
  const byId = new Map(input.endpoints.map((e) => [e.id, e]));
  const own = new Map<string, StepRow[]>();
  let notOwed: StepRow | undefined;
  for (const s of input.steps) {
    if (s.endpoint_id === null) notOwed = s;
    else (own.get(s.endpoint_id) ?? own.set(s.endpoint_id, []).get(s.endpoint_id)!).push(s);
  }
  const records: DeliveryRecord[] = [];
  for (const [id, rows] of own) {
    const steps = rows.map(toStep).sort((a, b) => a.dateTime.localeCompare(b.dateTime) || RANK[a.step] - RANK[b.step]);
    records.push({ endpoint: toDeliveryEndpoint(byId.get(id), id), outcome: steps[steps.length - 1]!.step, steps });
  }
  for (const e of input.endpoints) {
    if (own.has(e.id) || e.removed_at !== null) continue;
    const step = withoutSteps(e, input, notOwed);
    records.push({ endpoint: toDeliveryEndpoint(e, e.id), outcome: step.step, steps: [step] });
  }
  return records.sort(
    (a, b) =>
      Number(a.endpoint.removed) - Number(b.endpoint.removed) ||
      (a.endpoint.deviceName ?? "").localeCompare(b.endpoint.deviceName ?? "") ||
      a.endpoint.id.localeCompare(b.endpoint.id),
  );
}
