import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerOptions } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express from 'express';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import { drainPlugin } from './drain';
import { maskUnexpectedErrors } from './errors';
import { graphqlRoute, isGraphQLPath, type AdmissionGate, type GraphQLStep } from './graphql-route';
import { healthRoutes, type ReadinessChecks, type ReadinessReport } from './health';
import type { RequestContext } from './request-context';
import { requestLogging } from './request-logging';
import { jsonInPieces } from './json-pieces';
import type { AnswerSharing } from './shared-answers';
import { graphqlTelemetry, metricsRoute, traceRequests, type ServiceMetrics } from '@cinema/telemetry';

export interface GraphQLHttpOptions<C extends RequestContext> {
  logger: Logger;
  production: boolean;
  /** The schema or gateway plus any extra Apollo options (plugins are appended to ours). */
  apollo: Omit<ApolloServerOptions<C>, 'formatError' | 'introspection'>;
  /** Extends the per-request base context (ids, child logger) with the service's own parts. */
  context: (base: RequestContext, req?: IncomingMessage) => Promise<C> | C;
  /** Named readiness checks behind /health and /health/ready (all must pass). */
  checks: ReadinessChecks;
  /** Reported in the readiness body beside the checks, never deciding readiness. */
  readinessReport?: ReadinessReport;
  /** The process's metrics: served on GET /metrics and fed by every operation. */
  metrics?: ServiceMetrics;
  /** When set, GET /metrics wants `Authorization: Bearer <token>` (for a port that faces the internet). */
  metricsToken?: string;
  bodyLimit?: string;
  /** Faces clients (the gateway): incoming trace headers are not trusted. */
  edge?: boolean;
  /** Which proxies' X-Forwarded-For gives the client address on /graphql (rate limits); express's `trust proxy` values. */
  trustProxy?: boolean | number | string;
  /** Run on /graphql before the body is read (authentication, rate limits: cheap refusals first). */
  beforeBody?: GraphQLStep[];
  /** Run on /graphql on the body's bytes (`rawBody`) before it is parsed (signatures). */
  beforeParse?: GraphQLStep[];
  /** Run on /graphql after the body is parsed (`rawBody` holds its bytes). */
  afterBody?: GraphQLStep[];
  /** Answers serialized in pieces into one Buffer (json-pieces.ts); default on, off to compare. */
  jsonPieces?: boolean;
  /** Holds requests back while the worker is out of CPU (the gateway's admission control); none when absent. */
  admission?: AdmissionGate;
  /** Largest answer sent on /graphql, in bytes (graphql-route.ts); unbounded when absent. */
  responseLimit?: number;
  /**
   * Requests served before everything else by a handler of their own (the gateway's subscription
   * streams): those to `path` that `when` accepts (all of them without `when`).
   */
  routes?: Array<{ path: string; when?: (req: IncomingMessage) => boolean; handle: (req: IncomingMessage, res: http.ServerResponse) => void }>;
  /** Identical requests in flight at once share one answer (shared-answers.ts; the gateway's inbound deduplication). */
  share?: AnswerSharing;
}

export interface GraphQLHttpServer {
  httpServer: http.Server;
  /** Starts Apollo and listens; resolves with the bound URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, drains in-flight requests, stops Apollo. */
  stop(): Promise<void>;
  /**
   * Runs one operation in-process through the same server (plugins, authorization, limits) with
   * this base context, as a request would; for operations the process makes itself (the gateway's
   * subscription payloads). Only after listen().
   */
  execute(query: string, variables: Record<string, unknown>, base: RequestContext): Promise<ExecutionResult>;
}

/**
 * Builds (does not start) the HTTP server: /graphql on plain node:http (graphql-route.ts), health
 * and metrics on express.
 */
export function createGraphQLHttpServer<C extends RequestContext>(
  options: GraphQLHttpOptions<C>,
): GraphQLHttpServer {
  const { logger, production } = options;
  const app = express();
  app.disable('x-powered-by');
  let route: ReturnType<typeof graphqlRoute<C>> | undefined;
  const routes = options.routes ?? [];
  const httpServer = http.createServer((req, res) => {
    if (routes.length > 0) {
      const path = req.url?.split('?', 1)[0] ?? '';
      const own = routes.find((r) => r.path === path && (!r.when || r.when(req)));
      if (own) return own.handle(req, res);
    }
    return route && isGraphQLPath(req.url) ? void route(req, res) : app(req, res);
  });

  const apollo = new ApolloServer<C>({
    ...(options.apollo as ApolloServerOptions<C>),
    introspection: !production,
    formatError: maskUnexpectedErrors(logger, production),
    includeStacktraceInErrorResponses: false,
    // A Buffer, not the string Apollo's type says: Apollo hands it untouched to graphql-route.ts's
    // answer(), the only reader, which writes it as is (json-pieces.ts says why).
    ...(options.jsonPieces === false ? {} : { stringifyResult: jsonInPieces as unknown as (value: unknown) => string }),
    // The process owns shutdown (onShutdown: stop HTTP, then consumers, then connections).
    stopOnTerminationSignals: false,
    plugins: [
      // The grace leaves time, within the process's shutdown budget, to stop messaging and close
      // connections; the linger is for requests already sent on an idle connection (drain.ts).
      drainPlugin(httpServer, { graceMs: 5_000, lingerMs: 1_000 }),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      requestLogging<C>(),
      graphqlTelemetry<C>(options.metrics),
      ...(options.apollo.plugins ?? []),
    ],
  });

  healthRoutes(app, options.checks, options.readinessReport);
  if (options.metrics) metricsRoute(app, options.metrics, options.metricsToken);
  const service = String(logger.bindings().service ?? 'service');

  let started = false;
  const admission = options.admission;
  return {
    httpServer,
    async listen(port, host) {
      await apollo.start();
      started = true;
      route = graphqlRoute<C>({
        apollo,
        admission,
        logger,
        bodyLimit: options.bodyLimit,
        responseLimit: options.responseLimit,
        share: options.share,
        trustProxy: options.trustProxy,
        beforeBody: options.beforeBody ?? [],
        beforeParse: options.beforeParse ?? [],
        afterBody: options.afterBody ?? [],
        around: traceRequests(service, { trustIncoming: !options.edge }),
        context: async ({ req, identity }) => {
          const header = req.headers['x-request-id'];
          // Printable ASCII, 1..128: it becomes the correlationId every resulting event must carry.
          const requestId = typeof header === 'string' && /^[\x21-\x7e]{1,128}$/.test(header) ? header : randomUUID();
          // The request id is the correlation id: it reaches every subgraph and every event it causes.
          return options.context({ requestId, identity, logger: logger.child({ correlationId: requestId }) }, req);
        },
      });
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const { port: bound } = httpServer.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/graphql`;
      logger.info({ url }, 'listening');
      return url;
    },
    async execute(query, variables, base) {
      const response = await apollo.executeOperation({ query, variables }, { contextValue: await options.context(base) });
      if (response.body.kind !== 'single') throw new Error('an in-process operation answered incrementally');
      const { data, errors } = response.body.singleResult;
      // As GraphQLErrors again (Apollo hands them formatted): transports serialize them with toJSON().
      const revived = errors?.map((e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions }));
      return { data: data as ExecutionResult['data'], ...(revived ? { errors: revived } : {}) };
    },
    async stop() {
      admission?.close();
      if (started) await apollo.stop();
      else if (httpServer.listening) await new Promise((r) => httpServer.close(r));
    },
  };
}

/** The cause a mutation's events carry: the request id is the correlation id across services. */
export const cause = (ctx: RequestContext) => ({ correlationId: ctx.requestId, causationId: null });
