/**
 * @apollo/federation-internals is compiled by TypeScript to CommonJS whose index re-exports every
 * name through a getter (`__createBinding`). @apollo/gateway reads those names per value while it
 * shapes results (`federation_internals_1.assert(...)` etc.), and the deep query's profile showed the
 * getter as ~10% of the gateway's time. Before @apollo/gateway loads, the index's exports are
 * replaced in the module cache by a plain object holding the same values: the same functions and
 * classes, read as data properties. Importing this module must come before '@apollo/gateway'.
 * It reads GATEWAY_FLAT_REEXPORTS itself (config.ts validates it too) because it must run before any
 * other import; `off` exists for the bench's on/off row.
 */
const id = require.resolve('@apollo/federation-internals');
const live = require(id) as Record<string, unknown>;
const cached = require.cache[id];
if (process.env.GATEWAY_FLAT_REEXPORTS !== 'off' && cached && Object.values(Object.getOwnPropertyDescriptors(live)).some((d) => d.get)) {
  cached.exports = Object.fromEntries(Object.keys(live).map((k) => [k, live[k]]));
}
export {};
