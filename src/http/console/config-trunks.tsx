/** @jsxImportSource hono/jsx */
/**
 * The trunks part of the configuration page: the list with OPTIONS state and correlation rule, and the form that adds,
 * edits or removes a console trunk (applied to new calls at once). Provisioned trunks are read-only.
 */
import type { Context, Hono } from "hono";
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import type { TrunkConfig } from "../../config/schema.ts";
import { TrunkEditError, type TrunkDirectory, type TrunkRecord } from "../../store/trunk-directory.ts";
import type { AuthEnv } from "../auth/context.ts";
import { requirePermission } from "../auth/middleware.ts";
import { TrunkInputError, trunkFromForm } from "./trunk-form.ts";
import { utcTime } from "./form-values.ts";

export type ConfigPage = (c: Context<AuthEnv>, error?: string, status?: 200 | 400) => Response | Promise<Response>;

export function trunkRoutes(app: Hono<AuthEnv>, trunks: TrunkDirectory, page: ConfigPage): void {
  app.post("/trunks", requirePermission("config:edit"), async (c) => {
    const form = await c.req.parseBody();
    const editing = form.editing === "1";
    const existing = trunks.get(String(form.name ?? "").trim());
    try {
      if (existing && !editing) throw new TrunkInputError(`a trunk named "${existing.name}" already exists`);
      if (!existing && editing) throw new TrunkInputError(`no trunk "${String(form.name)}" to edit`);
      trunks.save(trunkFromForm(form, existing?.config as TrunkConfig | undefined), c.get("user")!.username);
      return c.redirect("/console/config", 303);
    } catch (err) {
      if (err instanceof TrunkInputError || err instanceof TrunkEditError) return page(c, err.message, 400);
      throw err;
    }
  });

  app.post("/trunks/:name/delete", requirePermission("config:edit"), (c) => {
    try {
      trunks.remove(c.req.param("name"), c.get("user")!.username);
      return c.redirect("/console/config", 303);
    } catch (err) {
      if (err instanceof TrunkEditError) return page(c, err.message, 400);
      throw err;
    }
  });
}

export function TrunkSection(props: { lang: Lang; trunks: TrunkRecord[]; editable: boolean; csrf?: string; edit?: string }) {
  const t = texts(props.lang);
  const editing = props.trunks.find((tr) => tr.name === props.edit && !tr.provisioned);
  return (
    <>
      <h2>{t.trunks}</h2>
      <p><small>{t.trunksApplyLive}</small></p>
      <table id="trunks">
        <thead><tr><th>{t.name}</th><th>{t.role}</th><th>URI</th><th>{t.trunkState}</th><th>{t.since}</th><th>{t.correlation}</th><th></th></tr></thead>
        <tbody>
          {props.trunks.map((tr) => {
            const cfg = tr.config as Partial<TrunkConfig>;
            return (
              <tr data-trunk={tr.name}>
                <td>{tr.name}</td><td>{tr.role}</td><td><code>{cfg.uri ?? ""}</code></td>
                <td class={`trunk-${tr.state}`}>{t[`trunk_${tr.state}`]}</td><td>{utcTime(tr.stateChangedAt)}</td>
                <td>{tr.role === "callcenter" && <code>{cfg.correlation_header} · {cfg.agent_from}</code>}</td>
                <td>
                  {tr.provisioned ? t.provisioned : t.addedInConsole}
                  {!tr.provisioned && props.editable && (
                    <>
                      {" "}<a href={`/console/config?edit=${encodeURIComponent(tr.name)}#trunk-form`}>{t.edit}</a>{" "}
                      <form method="post" action={`/console/config/trunks/${encodeURIComponent(tr.name)}/delete`} class="inline">
                        <input type="hidden" name="_csrf" value={props.csrf} />
                        <button type="submit">{t.remove}</button>
                      </form>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.editable && <TrunkForm lang={props.lang} csrf={props.csrf} trunk={editing?.config as TrunkConfig | undefined} />}
    </>
  );
}

function TrunkForm(props: { lang: Lang; csrf?: string; trunk?: TrunkConfig }) {
  const t = texts(props.lang);
  const tr = props.trunk;
  return (
    <form id="trunk-form" method="post" action="/console/config/trunks" class="card">
      <h3>{tr ? `${t.editTrunk} ${tr.name}` : t.addTrunk}</h3>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {tr && <input type="hidden" name="editing" value="1" />}
      <label>{t.name}<input name="name" value={tr?.name ?? ""} required readonly={!!tr} pattern="[A-Za-z0-9_\-]{1,64}" /></label>
      <label>{t.role}
        <select name="role">
          {(["callcenter", "caller"] as const).map((r) => <option value={r} selected={tr?.role === r}>{r}</option>)}
        </select>
      </label>
      <label>URI<input name="uri" value={tr?.uri ?? ""} placeholder="sip:110@10.0.0.5:5060" /></label>
      <label>{t.allowList}<input name="allow" value={tr?.allow.join(", ") ?? ""} placeholder="10.0.0.5, 10.0.1.0/24" required /></label>
      <label>{t.transport}
        <select name="transport">
          {(["udp", "tcp", "tls"] as const).map((x) => <option value={x} selected={tr?.transport === x}>{x}</option>)}
        </select>
      </label>
      <label>{t.correlationHeader}<input name="correlation_header" value={tr?.correlation_header ?? "X-Avsplit-Session"} /></label>
      <label>{t.agentFrom}<input name="agent_from" value={tr?.agent_from ?? "header:X-Agent-Id"} /></label>
      <label>{t.authUser}<input name="auth_user" value={tr?.auth_user ?? ""} autocomplete="off" /></label>
      <label>{t.password}<input name="auth_password" type="password" placeholder={tr?.auth_password ? "••••••" : ""} autocomplete="new-password" /></label>
      <label>{t.optionsPing}<input name="options_ping_s" type="number" min="0" value={String(tr?.options_ping_s ?? 30)} /></label>
      <button type="submit">{t.save}</button>
    </form>
  );
}
