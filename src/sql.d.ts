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
