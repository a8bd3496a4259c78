/**
 * The widget's screenshot API: an agent stores a PNG with its own session (file + media_files row + audit event),
 * lists and reads it back; other agents, unauthenticated callers, non-PNG and oversized bodies are refused.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { agentRoutes } from "../../../src/http/agent/routes.ts";
import type { AuthEnv } from "../../../src/http/auth/context.ts";
import { csrfProtection, SESSION_COOKIE, sessionMiddleware } from "../../../src/http/auth/middleware.ts";
import { AuditLog } from "../../../src/store/audit-log.ts";
import { openStore, type Store } from "../../../src/store/db.ts";
import { MAX_SCREENSHOT_BYTES, MediaFileStore, pngSize } from "../../../src/store/media-files.ts";
import { sessions } from "../../../src/store/schema.ts";
import { SwitchImageStore } from "../../../src/store/switch-image.ts";
import { UserRepository } from "../../../src/store/users.ts";
import { WebSessionRepository } from "../../../src/store/web-sessions.ts";
import { tempDir } from "../../support/temp-dir.ts";

const PNG_1X1: Uint8Array<ArrayBuffer> = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64"));
const SESSION = "node1.abcDEF123";

let store: Store;
let dir: { path: string; cleanup(): void };
let app: Hono<AuthEnv>;
let audit: AuditLog;
let displayImage: string | undefined;
let webSessions: WebSessionRepository;

beforeAll(() => {
  dir = tempDir("avsplit-widget-");
  store = openStore(":memory:");
  audit = new AuditLog(store.sqlite);
  store.db.insert(sessions).values({ id: SESSION, nodeId: "node1", kind: "video", state: "connected", startedAt: Date.now(), agentId: "1001" }).run();
  const tokens: Record<string, string> = { "1001": "t-1001", "1002": "t-1002" };
  webSessions = new WebSessionRepository(store.db);
  app = new Hono<AuthEnv>().use(sessionMiddleware(webSessions)).use(csrfProtection).route("/agent", agentRoutes({
    gateway: { connect: () => ({ receive() {}, disconnect() {} }) },
    agentForToken: (a, t) => tokens[a] === t,
    evidence: {
      files: new MediaFileStore(store.sqlite, store.db, audit, dir.path),
      audit,
      sessionAgent: (id) => (id === SESSION ? "1001" : undefined),
      displayImagePath: () => displayImage,
    },
  }));
});

afterAll(() => {
  store.close();
  dir.cleanup();
});

const post = (body: Uint8Array<ArrayBuffer>, agent = "1001", token = `t-${agent}`, type = "image/png") =>
  app.request(`/agent/api/sessions/${SESSION}/screenshots`, {
    method: "POST", body: new Blob([body]), headers: { "content-type": type, "x-avsplit-agent": agent, authorization: `Bearer ${token}` },
  });

test("the bound agent stores a PNG: file on disk, media_files row with its sha256, screenshot.taken audited", async () => {
  const res = await post(PNG_1X1);
  expect(res.status).toBe(201);
  const file = await res.json() as { id: string; url: string; sha256: string; bytes: number; width: number; height: number };
  expect(file).toMatchObject({ bytes: PNG_1X1.byteLength, width: 1, height: 1, sha256: createHash("sha256").update(PNG_1X1).digest("hex") });
  const row = store.sqlite.query<{ path: string; kind: string; sha256: string }, [string]>("SELECT * FROM media_files WHERE id = ?").get(file.id)!;
  expect(row.kind).toBe("screenshot");
  expect(row.path).toBe(join("screenshots", SESSION, `${file.id}.png`));
  expect(readFileSync(join(dir.path, row.path))).toEqual(Buffer.from(PNG_1X1));
  const event = audit.newest(1)[0];
  expect(event).toMatchObject({ type: "screenshot.taken", actor: "agent:1001", sessionId: SESSION });
  expect(JSON.parse(event.data)).toMatchObject({ fileId: file.id, sha256: row.sha256 });
  expect(audit.verify().ok).toBe(true);

  const list = await (await app.request(`/agent/api/sessions/${SESSION}/screenshots`, { headers: { "x-avsplit-agent": "1001", authorization: "Bearer t-1001" } })).json() as { id: string }[];
  expect(list.map((f) => f.id)).toContain(file.id);
  const back = await app.request(file.url, { headers: { "x-avsplit-agent": "1001", authorization: "Bearer t-1001" } });
  expect(back.headers.get("content-type")).toBe("image/png");
  expect(new Uint8Array(await back.arrayBuffer())).toEqual(PNG_1X1);
});

test("another agent, a wrong token or no credentials are refused and store nothing", async () => {
  const before = store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM media_files").get()!.n;
  expect((await post(PNG_1X1, "1002")).status).toBe(403);
  expect((await post(PNG_1X1, "1001", "wrong")).status).toBe(401);
  expect((await app.request(`/agent/api/sessions/${SESSION}/screenshots`, { method: "POST", body: new Blob([PNG_1X1]), headers: { "content-type": "image/png" } })).status).toBe(401);
  expect((await app.request(`/agent/api/sessions/nope/screenshots`, { headers: { "x-avsplit-agent": "1001", authorization: "Bearer t-1001" } })).status).toBe(403);
  expect(store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM media_files").get()!.n).toBe(before);
});

test("bodies that are not a PNG, or too large, are rejected without a file or row", async () => {
  const before = store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM media_files").get()!.n;
  expect((await post(new TextEncoder().encode("GIF89a not a png at all, padding padding"))).status).toBe(400);
  expect((await post(PNG_1X1, "1001", "t-1001", "application/octet-stream")).status).toBe(415);
  const huge = new Uint8Array(MAX_SCREENSHOT_BYTES + 1);
  huge.set(PNG_1X1);
  expect((await post(huge)).status).toBe(413);
  expect(store.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM media_files").get()!.n).toBe(before);
  expect(() => pngSize(PNG_1X1.subarray(0, 20))).toThrow("not a PNG");
});

test("an agent signed in to the console posts with its cookie and the CSRF token the API hands out", async () => {
  const users = new UserRepository(store.db);
  const agent = await users.add({ username: "agent1001", password: "agent1001-password", role: "agent", agentId: "1001" });
  const auditor = await users.add({ username: "auditor1", password: "auditor1-password", role: "auditor" });
  const cookie = (userId: number) => `${SESSION_COOKIE}=${webSessions.create(userId, null).token}`;
  const agentCookie = cookie(agent.id);
  const { csrf } = await (await app.request("/agent/api/csrf", { headers: { cookie: agentCookie } })).json() as { csrf: string };
  expect(csrf).toBeString();
  const send = (headers: Record<string, string>) =>
    app.request(`/agent/api/sessions/${SESSION}/screenshots`, { method: "POST", body: new Blob([PNG_1X1]), headers: { "content-type": "image/png", ...headers } });
  expect((await send({ cookie: agentCookie })).status).toBe(403);
  expect((await send({ cookie: agentCookie, "x-csrf-token": "forged" })).status).toBe(403);
  expect((await send({ cookie: agentCookie, "x-csrf-token": csrf })).status).toBe(201);
  expect(audit.newest(1)[0].actor).toBe("agent:1001");
  expect((await app.request("/agent/api/csrf", { headers: { cookie: cookie(auditor.id) } })).status).toBe(401);
});

test("the display image is the shipped default until an administrator uploads a switch-display image", async () => {
  const shipped = await app.request("/agent/display-image");
  expect(shipped.headers.get("content-type")).toBe("image/png");
  expect(pngSize(new Uint8Array(await shipped.arrayBuffer()))).toEqual({ width: 640, height: 480 });
  const images = new SwitchImageStore(dir.path);
  images.save(PNG_1X1, "admin");
  displayImage = images.path(images.current()!);
  const uploaded = await app.request("/agent/display-image");
  expect(uploaded.headers.get("content-type")).toBe("image/png");
  expect(new Uint8Array(await uploaded.arrayBuffer())).toEqual(PNG_1X1);
  displayImage = join(dir.path, "removed-meanwhile.png");
  expect(pngSize(new Uint8Array(await (await app.request("/agent/display-image")).arrayBuffer())).width).toBe(640);
});

test("what the caller is shown (camera, image, screen) is audited for the bound agent only", async () => {
  const display = (body: unknown, agent = "1001") => app.request(`/agent/api/sessions/${SESSION}/display`, {
    method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", "x-avsplit-agent": agent, authorization: `Bearer t-${agent}` },
  });
  expect((await display({ source: "image" })).status).toBe(201);
  expect(audit.newest(1)[0]).toMatchObject({ type: "agent.display", actor: "agent:1001", sessionId: SESSION, data: JSON.stringify({ source: "image" }) });
  const head = audit.headOf()!.seq;
  expect((await display({ source: "image" }, "1002")).status).toBe(403);
  expect((await display({ source: "webcam" })).status).toBe(400);
  expect((await display({ source: "screen", extra: 1 })).status).toBe(400);
  expect(audit.headOf()!.seq).toBe(head);
});

test("the SDK modules are served as JavaScript", async () => {
  for (const name of ["avsplit-agent.js", "widget.js", "strings.js", "quality.js"]) {
    const res = await app.request(`/agent/${name}`);
    expect(res.headers.get("content-type")).toStartWith("text/javascript");
  }
  expect(await (await app.request("/agent/avsplit-agent.js")).text()).toContain('customElements.define("avsplit-agent"');
});
