import { describe, expect, it } from "vitest";
import { buildFilter, buildListQuery, buildSearch, odataString } from "@/lib/api/query";

describe("inbox filters to OData", () => {
  it("asks for newest first, a page at a time, with no filter for All", () => {
    expect(buildListQuery({ view: "all" })).toBe("$top=50&$orderby=createdDateTime%20desc");
  });

  it("filters Unread on readState, Dismissed and Snoozed on userActionState", () => {
    expect(buildFilter({ view: "unread" })).toBe("readState eq 'unread'");
    expect(buildFilter({ view: "dismissed" })).toBe("userActionState eq 'dismissed'");
    expect(buildFilter({ view: "snoozed" })).toBe("userActionState eq 'snoozed'");
  });

  it("joins a group with the view using and, doubling quotes in the group name", () => {
    expect(buildFilter({ view: "unread", group: "Bob's builds" })).toBe("readState eq 'unread' and groupName eq 'Bob''s builds'");
    expect(odataString("it's")).toBe("'it''s'");
  });

  it("ignores an empty group", () => {
    expect(buildFilter({ view: "all", group: "" })).toBeUndefined();
  });

  it("quotes the search phrase and drops inner double quotes and extra spaces", () => {
    expect(buildSearch('  build  "failed" ')).toBe('"build failed"');
    expect(buildSearch("   ")).toBeUndefined();
  });

  it("encodes filter and search values so the URL survives the trip", () => {
    const query = buildListQuery({ view: "unread", group: "a&b", search: "deploy #4" }, 10);
    const params = new URLSearchParams(query);
    expect(params.get("$top")).toBe("10");
    expect(params.get("$filter")).toBe("readState eq 'unread' and groupName eq 'a&b'");
    expect(params.get("$search")).toBe('"deploy #4"');
    expect(query).not.toContain("+");
  });
});
