/** @jsxImportSource hono/jsx */
/** A signed-in user creates their REST API token (shown once; replaces the previous one; audited). */
import { Hono, type Context } from "hono";
import { Layout } from "../../../admin-ui/views/layout.tsx";
import { texts } from "../../../admin-ui/i18n.ts";
import type { AuthEnv } from "../auth/context.ts";
import type { ConsoleDeps } from "./console-deps.ts";

export function apiTokenRoutes(deps: Pick<ConsoleDeps, "tokens" | "audit">): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use("*", async (c, next) => (c.get("user") ? next() : c.redirect("/login?next=%2Fconsole%2Fapi-token", 303)));

  const page = (c: Context<AuthEnv>, token?: string) => {
    const lang = c.get("lang");
    const t = texts(lang);
    return c.html(
      <Layout lang={lang} title={t.apiToken} user={c.get("user")} csrfToken={c.get("csrfToken")}>
        <p>{t.apiTokenHint} <a href="/api/openapi.json">/api/openapi.json</a></p>
        {token && <p><code id="api-token">{token}</code></p>}
        <form method="post" action="/console/api-token" class="card">
          <input type="hidden" name="_csrf" value={c.get("csrfToken")} />
          <button type="submit">{t.newApiToken}</button>
        </form>
      </Layout>,
    );
  };

  app.get("/", (c) => page(c));
  app.post("/", (c) => {
    const user = c.get("user")!;
    const token = deps.tokens.create(user.id);
    deps.audit.append({ type: "user.api_token_created", actor: user.username, data: { username: user.username } });
    return page(c, token);
  });
  return app;
}
