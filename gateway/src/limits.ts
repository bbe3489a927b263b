import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ipKeyGenerator } from 'express-rate-limit';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { refuse, type GraphQLStep } from '@cinema/serving';

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Demand control's budget (demand-control/plugin.ts), not armor's. */
  maxCost: number;
  /** Requests per client per window; 0 turns the rate limit off. */
  rateLimit: number;
  rateWindowMs: number;
}

/**
 * Document limits (graphql-armor; tokens by graphql-js), checked while parsing and validating: an abusive operation is
 * refused before planning, so no subgraph is ever called for it. Field suggestions ("did you mean…")
 * are removed in production, where they would map the schema for an attacker.
 */
export function documentLimits(l: Limits, production: boolean) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: l.maxDepth },
    maxAliases: { n: l.maxAliases },
    maxDirectives: { n: l.maxDirectives },
    // Off here: armor's Apollo plugin re-parses in parsingDidStart and throws from that hook, which
    // turns every syntax error (and the limit itself) into HTTP 500. graphql-js counts tokens itself.
    maxTokens: { enabled: false },
    // Off here: its estimate reads only literal `first` values. Demand control (demand-control/)
    // prices the operation with its variables coerced, from the supergraph's @cost/@listSize.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  // A document over the token limit fails to parse: GRAPHQL_PARSE_FAILED, HTTP 400.
  return { plugins, validationRules, parseOptions: { maxTokens: l.maxTokens } };
}

/**
 * A fixed-window limit per client: the token's subject when there is one (so one user cannot dodge it
 * by switching addresses), the address otherwise (IPv6 by /56, as express-rate-limit advises).
 * In memory, per gateway process: N gateways allow N times the limit (a shared store fixes that).
 */
export function rateLimitPerClient(l: Limits): GraphQLStep[] {
  if (l.rateLimit === 0) return [];
  const limiter = new RateLimiterMemory({ points: l.rateLimit, duration: l.rateWindowMs / 1000 });
  const policy = `"per-client"; q=${l.rateLimit}; w=${Math.ceil(l.rateWindowMs / 1000)}`;
  return [
    async (x) => {
      // ipKeyGenerator: IPv6 by /56, so one client cannot take a fresh budget per address of its block.
      const key = x.identity ? `sub:${x.identity.sub}` : `ip:${ipKeyGenerator(x.ip || 'unknown')}`;
      // The RateLimit headers of the IETF draft (draft-8), as express-rate-limit sent them.
      const headers = (r: RateLimiterRes) => ({
        'ratelimit-policy': policy,
        ratelimit: `"per-client"; r=${r.remainingPoints}; t=${Math.ceil(r.msBeforeNext / 1000)}`,
      });
      try {
        const r = await limiter.consume(key);
        for (const [k, v] of Object.entries(headers(r))) x.res.setHeader(k, v);
      } catch (r) {
        if (!(r instanceof RateLimiterRes)) throw r;
        refuse(x.res, 429, 'too many requests: slow down and retry later', 'RATE_LIMITED', { ...headers(r), 'retry-after': String(Math.ceil(r.msBeforeNext / 1000)) });
      }
    },
  ];
}
