// The widget's browser assets, imported `with { type: "text" }` (their source text) or `{ type: "file" }` (a path).
declare module "*/avsplit-agent.js" {
  const text: string;
  export default text;
}
declare module "*/strings.js" {
  const text: string;
  export default text;
}
declare module "*/quality.js" {
  const text: string;
  export default text;
}
declare module "*/display-default.png" {
  const path: string;
  export default path;
}
