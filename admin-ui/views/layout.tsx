/** @jsxImportSource hono/jsx */
/** The console page frame: navigation by permission, CSRF header for every htmx request. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { SignedInUser } from "../../src/http/auth/context.ts";
import { can, type Permission } from "../../src/http/auth/permissions.ts";
import { texts, type Lang, type TextKey } from "../i18n.ts";

export interface PageProps {
  lang: Lang;
  title: string;
  user?: SignedInUser;
  csrfToken?: string;
  children?: Child;
}

const NAV: [string, TextKey, Permission][] = [
  ["/console/", "dashboard", "dashboard:view"],
  ["/console/sessions", "sessions", "sessions:view"],
  ["/console/config", "config", "config:view"],
  ["/console/users", "users", "users:manage"],
  ["/console/audit", "audit", "audit:view"],
  ["/console/system", "system", "system:manage"],
];

export function Layout(props: PageProps) {
  const t = texts(props.lang);
  const headers = props.csrfToken ? JSON.stringify({ "X-CSRF-Token": props.csrfToken }) : undefined;
  return (
    <>
    {raw("<!DOCTYPE html>")}
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · {t.title}</title>
        <link rel="stylesheet" href="/static/console.css" />
        <script src="/static/htmx.min.js" defer></script>
      </head>
      <body hx-headers:inherited={headers}>
        <header>
          <strong>{t.title}</strong>
          {props.user && (
            <nav>
              {NAV.filter(([, , p]) => can(props.user!.role, p)).map(([href, key]) => <a href={href}>{t[key]}</a>)}
            </nav>
          )}
          <span class="spacer" />
          <a href={`/lang/${props.lang === "en" ? "zh-CN" : "en"}`}>{t.language}</a>
          {props.user && (
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="_csrf" value={props.csrfToken} />
              <span>{props.user.username} ({props.user.role})</span> <a href="/console/api-token">{t.apiToken}</a> <button type="submit">{t.signOut}</button>
            </form>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
    </>
  );
}
