/** Console assets, embedded in the binary as text. */
import { Hono } from "hono";
import htmx from "../../node_modules/htmx.org/dist/htmx.min.js" with { type: "text" };
import consoleCss from "../../admin-ui/static/console.css" with { type: "text" };

const ASSETS: Record<string, { body: string; type: string }> = {
  "htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8" },
  "console.css": { body: consoleCss, type: "text/css; charset=utf-8" },
};

export function staticRoutes(): Hono {
  const app = new Hono();
  app.get("/static/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "public, max-age=3600" });
  });
  return app;
}
