import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consoleFixture } from "./console-fixture.ts";

let fx: ReturnType<typeof consoleFixture>;
afterEach(() => fx?.close());

async function as(role: "admin" | "supervisor" | "auditor" | "agent") {
  fx ??= consoleFixture();
  await fx.addUser(role, role, role === "agent" ? "1001" : undefined);
  const browser = fx.client();
  await browser.signIn(role);
  return browser;
}

const settingRow = (html: string, key: string) => new RegExp(`<tr data-key="${key.replace(".", "\\.")}">(.*?)</tr>`).exec(html)?.[1] ?? "";

describe("configuration page", () => {
  test("lists trunks with their OPTIONS state, persisted from the UA's trunk-state and audited on change", async () => {
    fx = consoleFixture();
    const admin = await as("admin");
    let html = await (await admin.request("/console/config")).text();
    expect(html).toMatch(/<td>cc<\/td><td>callcenter<\/td><td><code>sip:110@127.0.0.1:5070<\/code><\/td><td class="trunk-unknown">/);
    fx.consoleDeps.trunks.recordState("cc", false, 408, Date.parse("2026-11-20T08:00:00Z"));
    fx.consoleDeps.trunks.recordState("cc", false, 408);
    fx.consoleDeps.trunks.recordState("cc", true, 200, Date.parse("2026-11-20T08:01:00Z"));
    html = await (await admin.request("/console/config")).text();
    expect(html).toMatch(/<td class="trunk-up">up|<td class="trunk-up">在线/);
    expect(html).toContain("2026-11-20 08:01:00");
    const changes = [...fx.audit.rows()].filter((r) => r.type === "trunk.state").map((r) => JSON.parse(r.data));
    expect(changes).toEqual([{ trunk: "cc", state: "down", status: 408 }, { trunk: "cc", state: "up", status: 200 }]);
  });

  test("provisioned settings are read-only; others are stored, validated and audited", async () => {
    fx = consoleFixture();
    const admin = await as("admin");
    const html = await (await admin.request("/console/config")).text();
    expect(settingRow(html, "media.rtp_ports")).not.toContain("<form");
    expect(settingRow(html, "media.media_timeout_s")).toContain("<form");
    const _csrf = (await admin.csrf("/console/config"))!;
    const post = (key: string, value: string) => admin.request("/console/config/setting", { method: "POST", form: { _csrf, key, value } });
    expect((await post("media.rtp_ports", "40000-40999")).status).toBe(400);
    const bad = await post("media.media_timeout_s", "-5");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("media.media_timeout_s");
    expect((await post("media.media_timeout_s", "45")).status).toBe(303);
    expect((await post("webrtc.ice_servers", '[{"urls":"stun:127.0.0.1:3478"}]')).status).toBe(303);
    expect((await post("sms.smpp_password", "s3cret-pw")).status).toBe(303);
    expect(fx.consoleDeps.settings.all()).toEqual({ "media.media_timeout_s": 45, "webrtc.ice_servers": [{ urls: "stun:127.0.0.1:3478" }], "sms.smpp_password": "s3cret-pw" });
    const after = await (await admin.request("/console/config")).text();
    expect(settingRow(after, "media.media_timeout_s")).toContain('value="45"');
    expect(after).not.toContain("s3cret-pw");
    const audited = [...fx.audit.rows()].filter((r) => r.type === "config.changed").map((r) => JSON.parse(r.data));
    expect(audited).toEqual([
      { key: "media.media_timeout_s", from: 30, to: 45 },
      { key: "webrtc.ice_servers", from: [], to: [{ urls: "stun:127.0.0.1:3478" }] },
      { key: "sms.smpp_password", from: "(secret)", to: "(secret)" },
    ]);
  });

  test("agent cannot open configuration; supervisor reads it; auditor and supervisor cannot change it", async () => {
    fx = consoleFixture();
    const agent = await as("agent");
    expect((await agent.request("/console/config")).status).toBe(403);
    const sup = await as("supervisor");
    const html = await (await sup.request("/console/config")).text();
    expect(html).not.toContain('action="/console/config/setting"');
    const token = (await sup.csrf("/console/sessions"))!;
    expect((await sup.request("/console/config/setting", { method: "POST", form: { _csrf: token, key: "media.media_timeout_s", value: "9" } })).status).toBe(403);
    const aud = await as("auditor");
    expect((await aud.request("/console/config")).status).toBe(403);
    expect(fx.consoleDeps.settings.all()).toEqual({});
  });

  test("switch-display image: the widget's default shipped; upload checks the content type, stores under data_dir/images, audited", async () => {
    fx = consoleFixture();
    const admin = await as("admin");
    const def = await admin.request("/console/config/switch-image");
    expect(def.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await def.arrayBuffer())).toEqual(new Uint8Array(readFileSync(join(import.meta.dir, "../../../admin-ui/agent/display-default.png"))));
    const _csrf = (await admin.csrf("/console/config"))!;
    const upload = (bytes: Uint8Array, name: string) => {
      const form = new FormData();
      form.set("_csrf", _csrf);
      form.set("image", new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "image/png" }));
      return admin.request("/console/config/switch-image", { method: "POST", body: form });
    };
    const fake = await upload(new TextEncoder().encode("<svg onload=alert(1)>"), "evil.png");
    expect(fake.status).toBe(400);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9]);
    expect((await upload(png, "banner.png")).status).toBe(303);
    const served = await admin.request("/console/config/switch-image");
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
    const meta = JSON.parse(readFileSync(join(fx.dataDir, "images", "switch-display.json"), "utf8"));
    expect(new Uint8Array(readFileSync(join(fx.dataDir, "images", meta.file)))).toEqual(png);
    const audited = [...fx.audit.rows()].filter((r) => r.type === "config.switch_image").map((r) => JSON.parse(r.data));
    expect(audited).toEqual([{ mime: "image/png", bytes: png.length, sha256: new Bun.CryptoHasher("sha256").update(png).digest("hex") }]);
  });
});
