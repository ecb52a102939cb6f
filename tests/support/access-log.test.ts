// The access log as the user and support read it: routes in words, reads grouped into visits.
import { describe, expect, it } from "vitest";
import { actorName, describeAccessRoute, groupAccessVisits, listInWords } from "@/lib/support/access-log";
import { anAccessLogEntry } from "../../testing/support-builders";

describe("describeAccessRoute", () => {
  it.each([
    ["GET /users/u1", "the account summary"],
    ["GET /users/u1/notifications", "the inbox"],
    ["GET /users/u1/notifications?$top=50&$filter=status eq 'deleted'", "the inbox"],
    ["GET /graph/beta/users/u1/notifications", "the inbox"],
    ["GET /users/u1/notifications/subscriptions", "the devices"],
    ["GET /users/u1/notifications/n1/deliveries", "a notification's delivery"],
    ["GET /users/u1/notifications/events", "the history of the notifications"],
    ["GET /users/u1/notifications/n1", "one notification"],
    ["GET /users/u1/notifications/$count", "the unread count"],
  ])("%s → %s", (route, words) => {
    expect(describeAccessRoute(route)).toBe(words);
  });

  it("shows a route it does not know as it is", () => {
    expect(describeAccessRoute("GET /users/u1/somethingNew")).toBe("GET /users/u1/somethingNew");
    expect(describeAccessRoute("GET /auditLogs")).toBe("GET /auditLogs");
  });
});

describe("groupAccessVisits", () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 3, 10, minutes)).toISOString();

  it("tells one support visit (many reads, one reason) as one entry, what was read oldest first", () => {
    const visits = groupAccessVisits([
      anAccessLogEntry(at(3), { route: "GET /users/m/notifications/n1/deliveries" }),
      anAccessLogEntry(at(2), { route: "GET /users/m/notifications" }),
      anAccessLogEntry(at(1), { route: "GET /users/m" }),
      anAccessLogEntry(at(2), { id: "again", route: "GET /users/m/notifications" }),
    ]);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ from: at(1), to: at(3), reads: 4, reason: "TICKET-42", what: ["the account summary", "the inbox", "a notification's delivery"] });
  });

  it("starts a new visit for another person, another reason, or after a long pause; newest first", () => {
    const visits = groupAccessVisits([
      anAccessLogEntry(at(0)),
      anAccessLogEntry(at(5), { reason: "TICKET-43" }),
      anAccessLogEntry(at(6), { reason: "TICKET-43", actor: { id: "kim", displayName: "Kim", userPrincipalName: null } }),
      anAccessLogEntry(at(50), { reason: "TICKET-43", actor: { id: "kim", displayName: "Kim", userPrincipalName: null } }),
    ]);
    expect(visits.map((v) => [v.actor.id, v.reason, v.from])).toEqual([
      ["kim", "TICKET-43", at(50)],
      ["kim", "TICKET-43", at(6)],
      ["sam", "TICKET-43", at(5)],
      ["sam", "TICKET-42", at(0)],
    ]);
  });

  it("is empty for an empty log", () => {
    expect(groupAccessVisits([])).toEqual([]);
  });
});

describe("words", () => {
  it("lists things as a sentence does", () => {
    expect(listInWords([])).toBe("");
    expect(listInWords(["the inbox"])).toBe("the inbox");
    expect(listInWords(["the inbox", "the devices", "one notification"])).toBe("the inbox, the devices and one notification");
  });

  it("names the support person by name, else by sign-in name", () => {
    expect(actorName({ id: "1", displayName: "Sam Support", userPrincipalName: "s@x" })).toBe("Sam Support");
    expect(actorName({ id: "1", displayName: null, userPrincipalName: "s@x" })).toBe("s@x");
    expect(actorName({ id: "1", displayName: " ", userPrincipalName: null })).toBe("A support person");
  });
});
