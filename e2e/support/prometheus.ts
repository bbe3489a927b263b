/** Scrapes a service's GET /metrics (the base URL is its /graphql URL). */
export async function scrape(graphqlUrl: string): Promise<string> {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return res.text();
}

/**
 * The value of the series `name` whose labels include `labels` (summed over the rest), or
 * undefined when no such series is exposed. Enough of the text format for assertions.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let found: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) found = (found ?? 0) + Number(m[3]);
  }
  return found;
}
