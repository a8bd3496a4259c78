import { afterEach, describe, expect, test } from "bun:test";
import { verifyExportText } from "../../../src/store/audit-export.ts";
import { verifyEvidenceBytes } from "../../../src/store/evidence-verify.ts";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

const T0 = Date.parse("2026-11-20T08:00:00Z");

/** A user's API token, created through the console page as a user would. */
async function tokenFor(username: string, role: "admin" | "supervisor" | "auditor" | "agent") {
  await fx.addUser(username, role, role === "agent" ? "1001" : undefined);
  const browser = fx.client();
  await browser.signIn(username);
  const _csrf = (await browser.csrf("/console/api-token"))!;
  const html = await (await browser.request("/console/api-token", { method: "POST", form: { _csrf } })).text();
  return /<code id="api-token">([^<]+)<\/code>/.exec(html)![1];
}

const api = (path: string, token?: string) => fx.app.request(`https://avsplit.test/api${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("REST API", () => {
  test("sessions list and detail with a bearer token, filtered and paginated like the console", async () => {
    fx = consoleFixture();
    const token = await tokenFor("integrator", "supervisor");
    fx.recordCall({ id: "a1", at: T0, caller: "13800000001", agent: "1001", endReason: "caller-bye" });
    fx.recordCall({ id: "a2", at: T0 + 1000, caller: "13900000002", answered: false, endReason: "busy" });
    const list = await api("/v1/sessions?outcome=answered&page_size=10", token);
    expect(list.status).toBe(200);
    const body = await list.json();
    expect(body.total).toBe(1);
    expect(body.sessions.map((s: { id: string }) => s.id)).toEqual(["a1"]);
    expect(body.sessions[0]).toMatchObject({ caller_number: "13800000001", agent_id: "1001", outcome: "answered", end_reason: "caller-bye" });
    const detail = await (await api("/v1/sessions/a1", token)).json();
    expect(detail.legs.map((l: { kind: string }) => l.kind)).toEqual(["caller", "callcenter"]);
    expect(detail.events.map((e: { type: string }) => e.type)).toContain("session.bound");
    expect((await api("/v1/sessions/none", token)).status).toBe(404);
    const bad = await api("/v1/sessions?page_size=5000", token);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("page_size");
  });

  test("no token or a wrong one is 401; a token carries its user's role; a disabled user's token stops working", async () => {
    fx = consoleFixture();
    expect((await api("/v1/sessions")).status).toBe(401);
    expect((await api("/v1/sessions", "avs_forged")).status).toBe(401);
    const agent = await tokenFor("a1", "agent");
    expect((await api("/v1/sessions", agent)).status).toBe(403);
    const sup = await tokenFor("sup", "supervisor");
    expect((await api("/v1/audit/export", sup)).status).toBe(403);
    expect((await api("/v1/sessions", sup)).status).toBe(200);
    fx.store.sqlite.run("UPDATE users SET disabled = 1 WHERE username = 'sup'");
    expect((await api("/v1/sessions", sup)).status).toBe(401);
  });

  test("the console cookie works too; a new token replaces the previous one", async () => {
    fx = consoleFixture();
    await fx.addUser("aud", "auditor");
    const browser = fx.client();
    await browser.signIn("aud");
    expect((await browser.request("/api/v1/sessions")).status).toBe(200);
    const first = await tokenFor("adm", "admin");
    const browser2 = fx.client();
    await browser2.signIn("adm");
    const _csrf = (await browser2.csrf("/console/api-token"))!;
    await browser2.request("/console/api-token", { method: "POST", form: { _csrf } });
    expect((await api("/v1/sessions", first)).status).toBe(401);
    expect([...fx.audit.rows()].filter((r) => r.type === "user.api_token_created")).toHaveLength(2);
  });

  test("audit export and evidence package over the API verify", async () => {
    fx = consoleFixture();
    const token = await tokenFor("aud", "auditor");
    fx.recordCall({ id: "v1", at: T0, caller: "1", agent: "1001", endReason: "caller-bye" });
    const exp = await api("/v1/audit/export?format=csv&session=v1", token);
    expect(exp.status).toBe(200);
    const report = verifyExportText(await exp.text());
    expect(report.ok).toBe(true);
    expect(report.rows).toBe(8);
    const zip = await api("/v1/sessions/v1/evidence.zip", token);
    expect(zip.status).toBe(200);
    expect((await verifyEvidenceBytes(new Uint8Array(await zip.arrayBuffer()))).ok).toBe(true);
    const verify = await (await api("/v1/audit/verify", token)).json();
    expect(verify.ok).toBe(true);
  });

  test("the OpenAPI document describes every route with its parameters and schemas", async () => {
    fx = consoleFixture();
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/v1/audit/export", "/v1/audit/verify", "/v1/sessions", "/v1/sessions/{id}", "/v1/sessions/{id}/evidence.zip", "/v1/sessions/{id}/recording"]);
    const params = doc.paths["/v1/sessions"].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(["from", "to", "caller", "agent", "outcome", "page", "page_size"]);
    expect(doc.components.schemas.Session.properties.outcome.enum).toEqual(["answered", "unanswered", "active"]);
    expect(doc.components.securitySchemes.bearer.scheme).toBe("bearer");
  });
});
