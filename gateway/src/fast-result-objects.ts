/**
 * @apollo/gateway shapes every answer into `Object.create(null)` objects (resultShaping.js), and V8
 * keeps those in dictionary mode: JSON.stringify takes its slow path on them, ~3× slower than on
 * ordinary objects of the same shape (1.2 vs 0.4 ms for a 76 KB answer, measured), and the deep
 * query's profile had Apollo Server's stringify at ~12% of the gateway's time. Before resultShaping.js
 * compiles, its `Object.create(null)` becomes `new ResultObject()`: an object whose prototype is
 * itself null-prototype, so it is still free of Object.prototype (an alias named `__proto__` stays an
 * own property, as before) but gets V8's fast, shared shapes. Nothing else in the file changes.
 * It reads GATEWAY_FAST_RESULT_OBJECTS itself (config.ts validates it too) because it must run
 * before @apollo/gateway loads; `off` exists for the bench's on/off row.
 */
import Module from 'node:module';

const target = require.resolve('@apollo/gateway/dist/resultShaping.js');
const NULL_OBJECT = /Object\.create\(null\)/g;
const PRELUDE = 'function __ResultObject() {}\n__ResultObject.prototype = Object.create(null);\n';

/** The module source with its result objects made fast (exported for the unit test). */
export function fastResultObjects(source: string): string {
  const body = source.replace(NULL_OBJECT, 'new __ResultObject()');
  // After the "use strict" directive, which must stay the first statement.
  const strict = /^(\s*(['"])use strict\2;?)/.exec(body);
  return strict ? `${strict[1]}\n${PRELUDE}${body.slice(strict[1]!.length)}` : PRELUDE + body;
}

type Compile = (content: string, filename: string) => unknown;
const proto = Module.prototype as unknown as { _compile: Compile };
/** Whether resultShaping.js was compiled through the rewrite (false when it loaded first, or with `off`). */
export let applied = false;
if (process.env.GATEWAY_FAST_RESULT_OBJECTS !== 'off' && !require.cache[target]) {
  const compile = proto._compile;
  proto._compile = function (this: unknown, content: string, filename: string) {
    if (filename !== target) return compile.call(this, content, filename);
    proto._compile = compile; // once: nothing else goes through this hook
    applied = true;
    return compile.call(this, fastResultObjects(content), filename);
  };
}
