import { describe, expect, test } from "bun:test";
import { LOCKOUT_AFTER } from "../../../src/store/users.ts";
import { consoleFixture as consoleApp } from "./console-fixture.ts";

describe("console accounts", () => {
  test("first start: everything leads to /setup, which needs the setup code and creates the admin", async () => {
    const { client, audit } = consoleApp();
    const browser = client();
    expect((await browser.request("/")).headers.get("location")).toBe("/setup");
    expect((await browser.request("/login")).headers.get("location")).toBe("/setup");
    const wrong = await browser.request("/setup", { method: "POST", form: { code: "guess", username: "admin", password: "long enough pw", password2: "long enough pw" } });
    expect(wrong.status).toBe(403);
    const ok = await browser.request("/setup", { method: "POST", form: { code: "setup-123", username: "admin", password: "long enough pw", password2: "long enough pw" } });
    expect(ok.status).toBe(303);
    expect(browser.jar.has("avsplit_session")).toBe(true);
    expect((await browser.request("/console/users")).status).toBe(200);
    const again = await client().request("/setup", { method: "POST", form: { code: "setup-123", username: "evil", password: "long enough pw", password2: "long enough pw" } });
    expect(again.status).toBe(409);
    expect([...audit.rows()].map((r) => r.type)).toEqual(["user.added"]);
  });

  test("sign-in cookie is HttpOnly, Secure and SameSite=Strict", async () => {
    const { client, addUser } = consoleApp();
    await addUser("chief", "admin");
    const res = await client().signIn("chief", "chief-password-123");
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("avsplit_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Strict");
  });

  test(`${LOCKOUT_AFTER} wrong passwords lock the account, even against the right one; each failure is audited`, async () => {
    const { client, addUser, audit } = consoleApp();
    await addUser("chief", "admin");
    const browser = client();
    for (let i = 0; i < LOCKOUT_AFTER - 1; i++) expect((await browser.signIn("chief", "wrong")).status).toBe(401);
    const locking = await browser.signIn("chief", "wrong");
    expect(locking.status).toBe(429);
    expect(await locking.text()).toContain("账户已锁定至");
    expect((await browser.signIn("chief", "chief-password-123")).status).toBe(429);
    const failures = [...audit.rows()].filter((r) => r.type === "user.sign_in_failed").map((r) => JSON.parse(r.data).reason);
    expect(failures).toEqual([...Array(LOCKOUT_AFTER - 1).fill("bad-credentials"), "locked", "locked"]);
  });

  test("a state-changing request without the CSRF token is rejected", async () => {
    const { client, addUser, users } = consoleApp();
    await addUser("chief", "admin");
    const browser = client();
    await browser.signIn("chief", "chief-password-123");
    const form = { username: "intruder", role: "admin", password: "intruder-password" };
    expect((await browser.request("/console/users", { method: "POST", form })).status).toBe(403);
    expect((await browser.request("/console/users", { method: "POST", form: { ...form, _csrf: "forged" } })).status).toBe(403);
    expect(users.find("intruder")).toBeUndefined();
    const token = await browser.csrf();
    expect((await browser.request("/console/users", { method: "POST", form: { ...form, _csrf: token! } })).status).toBe(303);
    expect(users.find("intruder")?.role).toBe("admin");
    expect((await browser.request("/console/audit/verify", { method: "POST", headers: { "x-csrf-token": token! } })).status).toBe(200);
  });

  test("roles: an agent cannot open the console, an auditor can read the audit log but change nothing", async () => {
    const { client, addUser } = consoleApp();
    await addUser("a1", "agent", "1001");
    await addUser("aud", "auditor");
    const agent = client();
    expect((await agent.signIn("a1", "a1-password-123")).headers.get("location")).toBe("/agent/");
    expect((await agent.request("/console/users")).status).toBe(403);
    expect((await agent.request("/console/audit")).status).toBe(403);
    const auditor = client();
    await auditor.signIn("aud", "aud-password-123");
    expect((await auditor.request("/console/audit")).status).toBe(200);
    expect((await auditor.request("/console/audit/export?format=csv")).status).toBe(200);
    const token = await auditor.csrf();
    const add = await auditor.request("/console/users", { method: "POST", form: { _csrf: token!, username: "x", role: "admin", password: "xxxxxxxxxxxx" } });
    expect(add.status).toBe(403);
  });

  test("signed out, pages redirect to /login and htmx fragments get 401", async () => {
    const { client, addUser } = consoleApp();
    await addUser("chief", "admin");
    const anon = client();
    const page = await anon.request("/console/", { headers: { accept: "text/html" } });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fconsole%2F");
    expect((await anon.request("/console/live", { headers: { accept: "text/html", "hx-request": "true" } })).status).toBe(401);
  });

  test("sign-in never redirects off-site", async () => {
    const { client, addUser } = consoleApp();
    await addUser("chief", "admin");
    const res = await client().request("/login", { method: "POST", form: { username: "chief", password: "chief-password-123", next: "//evil.example/x" } });
    expect(res.headers.get("location")).toBe("/console/");
  });
});
