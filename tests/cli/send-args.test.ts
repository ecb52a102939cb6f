import { describe, expect, it } from "vitest";
import { parseSendArgs, type ParsedSendArgs, type SendArgs } from "@/scripts/lib/send-args";

const NOW = new Date("2026-11-27T10:00:00.000Z");

function sent(result: ParsedSendArgs): SendArgs {
  if (result.kind !== "send") throw new Error(`expected a send, got ${JSON.stringify(result)}`);
  return result.args;
}

function error(result: ParsedSendArgs): string {
  if (result.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe("parseSendArgs", () => {
  it("builds the minimal request from --to and --title", () => {
    expect(sent(parseSendArgs(["--to", "adele@contoso.test", "--title", "Hello"], {}, NOW))).toEqual({
      to: "adele@contoso.test",
      request: { targetHostName: "localhost", payload: { visualContent: { title: "Hello" } } },
    });
  });

  it("maps every option onto the Graph request body", () => {
    const args = sent(
      parseSendArgs(
        [
          "--to=a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01",
          "--title", "Build failed",
          "--body", "main is red",
          "--group", "ci",
          "--priority", "low",
          "--expires", "12h",
          "--app-id", "build-42",
          "--host", "ci.contoso.com",
          "--raw", "{\"build\":42}",
        ],
        {},
        NOW,
      ),
    );
    expect(args).toEqual({
      to: "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01",
      request: {
        targetHostName: "ci.contoso.com",
        appNotificationId: "build-42",
        groupName: "ci",
        priority: "Low",
        expirationDateTime: "2026-11-27T22:00:00.000Z",
        payload: { rawContent: "{\"build\":42}", visualContent: { title: "Build failed", body: "main is red" } },
      },
    });
  });

  it("accepts a raw-only notification without a title", () => {
    expect(sent(parseSendArgs(["--to", "x@y.test", "--raw", "ping"], {}, NOW)).request.payload).toEqual({ rawContent: "ping" });
  });

  it("takes the default target host from SEND_TARGET_HOST", () => {
    const args = sent(parseSendArgs(["--to", "x@y.test", "--title", "t"], { SEND_TARGET_HOST: "app.contoso.com" }, NOW));
    expect(args.request.targetHostName).toBe("app.contoso.com");
  });

  it("normalises priority case-insensitively", () => {
    for (const [input, output] of [["HIGH", "High"], ["none", "None"], ["Low", "Low"]]) {
      expect(sent(parseSendArgs(["--to", "x@y.test", "--title", "t", "--priority", input!], {}, NOW)).request.priority).toBe(output);
    }
  });

  it("recognises --help and -h", () => {
    expect(parseSendArgs(["--help"]).kind).toBe("help");
    expect(parseSendArgs(["-h", "--to", "x"]).kind).toBe("help");
  });

  it("requires --to", () => {
    expect(error(parseSendArgs(["--title", "t"], {}, NOW))).toMatch(/--to is required/);
  });

  it("refuses a recipient that would change the request path", () => {
    expect(error(parseSendArgs(["--to", "../me", "--title", "t"], {}, NOW))).toMatch(/not a userPrincipalName or object id/);
    expect(error(parseSendArgs(["--to", "..", "--title", "t"], {}, NOW))).toMatch(/not a userPrincipalName or object id/);
    expect(error(parseSendArgs(["--to", ".", "--title", "t"], {}, NOW))).toMatch(/not a userPrincipalName or object id/);
  });

  it("requires --title or --raw", () => {
    expect(error(parseSendArgs(["--to", "x@y.test"], {}, NOW))).toMatch(/--title is required/);
  });

  it("refuses --body without --title", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--raw", "r", "--body", "b"], {}, NOW))).toMatch(/--body needs --title/);
  });

  it("refuses an empty title", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "  "], {}, NOW))).toMatch(/must not be empty/);
  });

  it("refuses a title over 256 characters before any network call", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "x".repeat(257)], {}, NOW))).toMatch(/--title is 257 characters; at most 256/);
    expect(parseSendArgs(["--to", "x@y.test", "--title", "x".repeat(256)], {}, NOW).kind).toBe("send");
  });

  it("refuses an unknown priority", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "t", "--priority", "urgent"], {}, NOW))).toMatch(/High, Low or None/);
  });

  it("reports a bad --expires", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "t", "--expires", "soon"], {}, NOW))).toMatch(/--expires/);
  });

  it("refuses unknown flags, positionals and flags missing their value", () => {
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "t", "--urgent"], {}, NOW))).toMatch(/--urgent/);
    expect(error(parseSendArgs(["--to", "x@y.test", "--title", "t", "extra"], {}, NOW))).toMatch(/extra/);
    expect(parseSendArgs(["--to", "x@y.test", "--title"], {}, NOW).kind).toBe("error");
  });
});
