/**
 * Bounds the `operation` label: a Prometheus label value is a new series, and operation names come
 * from clients. A plain identifier of at most 64 characters is kept while fewer than `limit`
 * distinct names have been seen; anything else counts as `other`, no name at all as `anonymous`.
 */
export function operationLabels(limit = 100): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
    if (seen.has(name)) return name;
    if (seen.size >= limit) return 'other';
    seen.add(name);
    return name;
  };
}
