/** Coerced variable values of one request. */
export type Variables = Readonly<Record<string, unknown>>;

/**
 * A part of an operation's cost: a number when the document alone decides it (folded once, when
 * the document is compiled), or a function of the coerced variables when one of them does (a
 * `first: $n`, an `@include(if: $x)`, an input object in a variable).
 */
export type Part = number | ((vars: Variables) => number);

export const valueOf = (part: Part, vars: Variables): number => (typeof part === 'number' ? part : part(vars));

export function sum(parts: readonly Part[]): Part {
  let constant = 0;
  const variable: Array<(vars: Variables) => number> = [];
  for (const p of parts) {
    if (typeof p === 'number') constant += p;
    else variable.push(p);
  }
  if (variable.length === 0) return constant;
  return (vars) => {
    let total = constant;
    for (const f of variable) total += f(vars);
    return total;
  };
}

export function times(count: Part, each: Part): Part {
  if (typeof count === 'number' && typeof each === 'number') return count * each;
  if (count === 0 || each === 0) return 0;
  return (vars) => valueOf(count, vars) * valueOf(each, vars);
}

/** `part` unless `skipped` (a known answer, or one read from the variables) says the selection is left out. */
export function unless(skipped: boolean | ((vars: Variables) => boolean), part: Part): Part {
  if (skipped === true) return 0;
  if (skipped === false || part === 0) return part;
  return (vars) => (skipped(vars) ? 0 : valueOf(part, vars));
}

/**
 * A fragment spread twice (or 2^30 times, in a "billion laughs" document) is one shared part: this
 * remembers its value for the last variables object, so each shared part is computed once per request.
 */
export function shared(part: Part): Part {
  if (typeof part === 'number') return part;
  let last: Variables | undefined;
  let value = 0;
  return (vars) => {
    if (vars !== last) {
      value = part(vars);
      last = vars;
    }
    return value;
  };
}
