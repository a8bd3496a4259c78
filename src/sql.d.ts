declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*/htmx.min.js" {
  const text: string;
  export default text;
}
declare module "*.html" {
  const text: string;
  export default text;
}
declare module "*/agent-page.js" {
  const text: string;
  export default text;
}
declare module "*/widget.js" {
  const text: string;
  export default text;
}
