// graphql-ws publishes its ws adapter only as a package `exports` subpath, which this repository's
// `moduleResolution: node` cannot see for types (Node itself resolves it at run time).
declare module 'graphql-ws/use/ws' {
  export { useServer } from 'graphql-ws/dist/use/ws';
}
