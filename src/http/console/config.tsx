/** @jsxImportSource hono/jsx */
/** Configuration: trunks with their OPTIONS state, media/WebRTC/SMS/recording settings, the switch-display image, the HTTPS certificate. */
import { Hono, type Context } from "hono";
// The same default callers see (the widget's GET /agent/display-image): one default image.
import defaultSwitchImage from "../../../admin-ui/agent/display-default.png" with { type: "file" };
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import { ImageUploadError, SwitchImageStore } from "../../store/switch-image.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { can } from "../auth/permissions.ts";
import type { ConsoleDeps } from "./console-deps.ts";
import { certificateLocation, TlsSection, tlsRoutes } from "./config-tls.tsx";
import { TrunkSection, trunkRoutes } from "./config-trunks.tsx";
import { utcTime } from "./form-values.ts";
import { isSecretKey, parseSettingInput, settingFields, SettingInputError, type EditableSection, type SettingField } from "./setting-fields.ts";

const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function configRoutes(deps: ConsoleDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const images = new SwitchImageStore(deps.dataDir);

  const page = (c: Context<AuthEnv>, error?: string, status: 200 | 400 = 200) => {
    const lang = c.get("lang");
    const t = texts(lang);
    const user = c.get("user")!;
    const editable = can(user.role, "config:edit");
    const image = images.current();
    return c.html(
      <Layout lang={lang} title={t.config} user={user} csrfToken={c.get("csrfToken")}>
        {error && <p class="error" role="alert">{error}</p>}
        <p><small>{t.configSource}: {deps.config.source}. {t.provisionedHint}</small></p>
        <TrunkSection lang={lang} trunks={deps.trunks.list()} editable={editable} csrf={c.get("csrfToken")} edit={c.req.query("edit")} />
        <h2>{t.settings}</h2>
        <p><small>{t.appliesAtRestart}</small></p>
        <SettingsTable lang={lang} fields={settingFields(deps.config, deps.settings.all())} editable={editable} csrf={c.get("csrfToken")} />
        <h2>{t.switchImage}</h2>
        <img id="switch-image" src="/console/config/switch-image" alt={t.switchImage} width={320} />
        <p><small>{image ? `${image.mime} · ${image.bytes} B · sha256 ${image.sha256} · ${image.uploadedBy} ${utcTime(image.uploadedAt)}` : t.defaultImage}</small></p>
        {editable && (
          <form method="post" action="/console/config/switch-image" enctype="multipart/form-data" class="card">
            <input type="hidden" name="_csrf" value={c.get("csrfToken")} />
            <label>{t.uploadImage}<input type="file" name="image" accept="image/png,image/jpeg,image/webp" required /></label>
            <button type="submit">{t.upload}</button>
          </form>
        )}
        <TlsSection lang={lang} location={certificateLocation(deps.config, deps.dataDir)} editable={editable} csrf={c.get("csrfToken")} />
      </Layout>,
      status,
    );
  };

  app.get("/", requirePermission("config:view"), (c) => page(c));
  trunkRoutes(app, deps.trunks, page);
  tlsRoutes(app, deps, page);

  app.post("/setting", requirePermission("config:edit"), async (c) => {
    const form = await c.req.parseBody();
    const key = String(form.key ?? "");
    const text = String(form.value ?? "");
    const stored = deps.settings.all();
    if (isSecretKey(key) && text === "") return c.redirect("/console/config", 303);
    try {
      const value = parseSettingInput(deps.config, stored, key, text);
      const actor = c.get("user")!.username;
      const secret = isSecretKey(key);
      const [section, name] = key.split(".");
      const before = key in stored ? stored[key] : (deps.config.config[section as EditableSection] as Record<string, unknown>)[name];
      deps.settings.set(key, value, actor);
      deps.audit.append({ type: "config.changed", actor, data: { key, from: secret ? "(secret)" : before, to: secret ? "(secret)" : value } });
      return c.redirect("/console/config", 303);
    } catch (err) {
      if (err instanceof SettingInputError) return page(c, err.message, 400);
      throw err;
    }
  });

  app.post("/switch-image", requirePermission("config:edit"), async (c) => {
    const form = await c.req.parseBody();
    const file = form.image;
    if (!(file instanceof File)) return page(c, "no file", 400);
    try {
      const actor = c.get("user")!.username;
      const image = images.save(new Uint8Array(await file.arrayBuffer()), actor);
      deps.audit.append({ type: "config.switch_image", actor, data: { mime: image.mime, bytes: image.bytes, sha256: image.sha256 } });
      return c.redirect("/console/config", 303);
    } catch (err) {
      if (err instanceof ImageUploadError) return page(c, err.message, 400);
      throw err;
    }
  });

  app.get("/switch-image", requirePermission("config:view"), (c) => {
    const image = images.current();
    const headers = { "x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox", "cache-control": "no-cache" };
    return new Response(Bun.file(image ? images.path(image) : defaultSwitchImage), { headers: { ...headers, "content-type": image?.mime ?? "image/png" } });
  });
  return app;
}

function SettingsTable(props: { lang: Lang; fields: SettingField[]; editable: boolean; csrf?: string }) {
  const t = texts(props.lang);
  return (
    <table id="settings">
      <thead><tr><th>{t.setting}</th><th>{t.value}</th><th></th></tr></thead>
      <tbody>
        {props.fields.map((f) => (
          <tr data-key={f.key}>
            <td><code>{f.key}</code></td>
            <td>
              {f.provisioned || !props.editable ? (
                <span>{f.secret ? (f.value ? "••••••" : "") : shown(f.value)}</span>
              ) : (
                <form method="post" action="/console/config/setting" class="inline">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <input type="hidden" name="key" value={f.key} />
                  <input name="value" type={f.secret ? "password" : "text"} value={f.secret ? "" : shown(f.value)} placeholder={f.secret && f.value ? "••••••" : ""} size={40} />
                  <button type="submit">{t.save}</button>
                </form>
              )}
            </td>
            <td>{f.provisioned ? <span class="provisioned">{t.provisioned}</span> : f.stored ? <span>{t.setInConsole}</span> : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
