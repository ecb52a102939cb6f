import { describe, expect, it } from "vitest";
import { FilterError, filterShape, parseFilter } from "@/server/notifications/filter";

describe("$filter parser", () => {
  it("parses one eq clause on an enum field", () => {
    expect(parseFilter("readState eq 'unread'")).toEqual([{ field: "readState", op: "eq", value: "unread" }]);
  });

  it("joins clauses with and, case-insensitively", () => {
    expect(parseFilter("readState eq 'unread' AND status eq 'active'")).toEqual([
      { field: "readState", op: "eq", value: "unread" },
      { field: "status", op: "eq", value: "active" },
    ]);
  });

  it("normalizes enum members to their canonical case", () => {
    expect(parseFilter("priority eq 'high'")).toEqual([{ field: "priority", op: "eq", value: "High" }]);
    expect(parseFilter("userActionState ne 'NOINTERACTION'")).toEqual([
      { field: "userActionState", op: "ne", value: "noInteraction" },
    ]);
  });

  it("accepts null for groupName only", () => {
    expect(parseFilter("groupName eq null")).toEqual([{ field: "groupName", op: "eq", value: null }]);
    expect(() => parseFilter("readState eq null")).toThrow(FilterError);
  });

  it("reads '' inside a string literal as one quote", () => {
    expect(parseFilter("groupName eq 'Bob''s builds'")).toEqual([{ field: "groupName", op: "eq", value: "Bob's builds" }]);
  });

  it("accepts createdDateTime with ge and lt, quoted or not", () => {
    const [a] = parseFilter("createdDateTime ge 2026-11-20T00:00:00Z");
    const [b] = parseFilter("createdDateTime lt '2026-11-20T00:00:00.000Z'");
    expect(a).toEqual({ field: "createdDateTime", op: "ge", value: new Date("2026-11-20T00:00:00Z") });
    expect(b).toEqual({ field: "createdDateTime", op: "lt", value: new Date("2026-11-20T00:00:00Z") });
  });

  it.each([
    ["an unknown field", "title eq 'x'", /property 'title'/],
    ["an unknown operator", "readState gt 'unread'", /operator 'gt'/],
    ["eq on createdDateTime", "createdDateTime eq 2026-11-20T00:00:00Z", /createdDateTime/],
    ["a value outside the enum", "readState eq 'maybe'", /not a readState/],
    ["an unquoted string", "readState eq unread", /quoted/],
    ["or between clauses", "readState eq 'read' or status eq 'active'", /expected 'and'/],
    ["a dangling and", "readState eq 'read' and", /after 'and'/],
    ["an unterminated string", "groupName eq 'abc", /unterminated/],
    ["parentheses", "(readState eq 'read')", /unexpected character/],
    ["a function call", "startswith(groupName,'B')", /unexpected character/],
    ["a missing value", "readState eq", /expected a value/],
    ["an empty filter", "   ", /empty/],
    ["a non-date for createdDateTime", "createdDateTime ge 'yesterday'", /ISO 8601/],
    ["year 0000, which PostgreSQL cannot store", "createdDateTime ge 0000-01-01T00:00:00Z", /ISO 8601/],
    ["an offset that moves year 1 into year 0", "createdDateTime ge 0001-01-01T00:00:00+23:59", /year 1 to 9999/],
    ["an offset that moves year 9999 into year 10000", "createdDateTime lt 9999-12-31T23:59:59-23:59", /year 1 to 9999/],
  ])("rejects %s", (_name, input, message) => {
    expect(() => parseFilter(input)).toThrow(message);
  });

  it("gives equal shapes for equal meanings and different shapes otherwise", () => {
    expect(filterShape(parseFilter("priority eq 'HIGH'"))).toBe(filterShape(parseFilter("priority  eq  'High'")));
    expect(filterShape(parseFilter("priority eq 'High'"))).not.toBe(filterShape(parseFilter("priority eq 'Low'")));
  });
});
