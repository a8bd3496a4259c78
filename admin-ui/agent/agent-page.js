// The iframe form /agent/?agent=ID[&lang=en]#token=TOKEN (or a console sign-in): one <avsplit-agent> filling the page.
import "/agent/avsplit-agent.js";

const params = new URLSearchParams(location.search);
const hash = new URLSearchParams(location.hash.slice(1));
const el = document.createElement("avsplit-agent");
if (params.get("agent")) el.setAttribute("agent", params.get("agent"));
if (hash.get("token")) el.setAttribute("token", hash.get("token"));
// ?lang= wins, else the console's language cookie, else zh-CN.
const lang = params.get("lang") ?? /(?:^|; )lang=([^;]*)/.exec(document.cookie)?.[1];
el.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
document.documentElement.lang = el.getAttribute("lang");
el.addEventListener("connection", (e) => {
  if (e.detail.code === 4401) location.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
});
document.body.append(el);
window.avsplit = el.widget;
