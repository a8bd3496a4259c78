import { describe, expect, test } from "bun:test";
import { consoleFixture } from "./console-fixture.ts";

const DESKTOP = "https://cad.example.gov.cn";

describe("embedding the agent widget in an agent desktop of another origin", () => {
  test("without embed_origins everything is same-origin only", async () => {
    const { app } = consoleFixture();
    const page = await app.request("https://avsplit.test/agent/");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const asset = await app.request("https://avsplit.test/agent/avsplit-agent.js", { headers: { origin: DESKTOP } });
    expect(asset.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a listed desktop may frame the widget, load its SDK and call its API; the console stays unframeable", async () => {
    const { app } = consoleFixture({ embedOrigins: [DESKTOP] });
    const page = await app.request("https://avsplit.test/agent/");
    expect(page.headers.get("content-security-policy")).toContain(`frame-ancestors 'self' ${DESKTOP}`);
    expect(page.headers.get("x-frame-options")).toBeNull();
    const asset = await app.request("https://avsplit.test/agent/avsplit-agent.js", { headers: { origin: DESKTOP } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("access-control-allow-origin")).toBe(DESKTOP);
    const preflight = await app.request("https://avsplit.test/agent/api/sessions/x/screenshots", {
      method: "OPTIONS", headers: { origin: DESKTOP, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("x-avsplit-agent");
    const stranger = await app.request("https://avsplit.test/agent/avsplit-agent.js", { headers: { origin: "https://evil.example" } });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    const console = await app.request("https://avsplit.test/login");
    expect(console.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(console.headers.get("content-security-policy")).not.toContain(DESKTOP);
    expect(console.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  test("the signalling socket refuses pages of other sites (cross-site WebSocket hijacking)", async () => {
    const { app } = consoleFixture({ embedOrigins: [DESKTOP] });
    const upgrade = (origin: string) =>
      app.request("https://avsplit.test/agent/ws", { headers: { origin, upgrade: "websocket", connection: "upgrade", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    const evil = await upgrade("https://evil.example");
    expect(evil.status).toBe(403);
    expect(await evil.text()).toContain("may not open the agent socket");
    expect((await upgrade(DESKTOP)).status).not.toBe(403);
    expect((await upgrade("https://avsplit.test")).status).not.toBe(403);
  });
});
