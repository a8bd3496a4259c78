/** @jsxImportSource hono/jsx */
/** The caller's location on the session page, from the session's caller.location audit event (PIDF-LO by value, references). */
import { texts, type Lang } from "../../../admin-ui/i18n.ts";
import type { CallerLocationReport } from "../../session/caller-location.ts";
import type { GeoShape } from "../../sip/ua/index.ts";
import type { AuditRow } from "../../store/audit-chain.ts";

/** The report the session's audit trail holds, if its INVITE conveyed a location. */
export function callerLocationReport(events: readonly AuditRow[]): CallerLocationReport | undefined {
  const row = events.find((e) => e.type === "caller.location");
  return row ? (JSON.parse(row.data) as CallerLocationReport) : undefined;
}

const coordinates = (lat: number, lon: number) => `${lat.toFixed(6)}, ${lon.toFixed(6)}`;

function describeShape(shape: GeoShape, lang: Lang): string {
  const t = texts(lang);
  switch (shape.kind) {
    case "point":
      return `${coordinates(shape.lat, shape.lon)}${shape.altM === undefined ? "" : ` · ${shape.altM} m`}`;
    case "circle":
      return `${coordinates(shape.lat, shape.lon)} ± ${shape.radiusM} m`;
    case "ellipse":
      return `${coordinates(shape.lat, shape.lon)} · ${t.locationEllipse} ${shape.semiMajorM} × ${shape.semiMinorM} m, ${shape.orientationDeg}°`;
    case "polygon":
      return `${t.locationPolygon}: ${shape.points.map((p) => coordinates(p.lat, p.lon)).join(" → ")}`;
  }
}

export function CallerLocationView(props: { lang: Lang; report: CallerLocationReport }) {
  const t = texts(props.lang);
  const { location, references, error } = props.report;
  const civic = location?.civic ? Object.entries(location.civic).map(([k, v]) => `${k}=${v}`).join(", ") : "";
  return (
    <dl id="location" class="summary">
      {location?.shapes.map((shape) => <><dt>{t.locationShape}</dt><dd>{describeShape(shape, props.lang)}</dd></>)}
      {civic && <><dt>{t.locationCivic}</dt><dd>{civic}</dd></>}
      {location?.method && <><dt>{t.locationMethod}</dt><dd>{location.method}</dd></>}
      {location?.timestamp && <><dt>{t.locationTime}</dt><dd>{location.timestamp}</dd></>}
      {references.map((uri) => <><dt>{t.locationReference}</dt><dd><code>{uri}</code></dd></>)}
      {error && <><dt>{t.locationError}</dt><dd>{error}</dd></>}
    </dl>
  );
}
