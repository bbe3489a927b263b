import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import type { Logger } from 'pino';
import { maskUnexpectedErrors } from './errors';
import { healthRoutes, type ReadinessChecks } from './health';
import { requestLogging } from './request-logging';
import { graphqlTelemetry } from './telemetry/graphql-telemetry';
import { metricsRoute, traceRequests } from './telemetry/http-telemetry';
import type { ServiceMetrics } from './telemetry/metrics';

export interface RequestContext extends BaseContext {
  requestId: string;
  logger: Logger;
}

export interface GraphQLHttpOptions<C extends RequestContext> {
  logger: Logger;
  production: boolean;
  /** The schema or gateway plus any extra Apollo options (plugins are appended to ours). */
  apollo: Omit<ApolloServerOptions<C>, 'formatError' | 'introspection'>;
  /** Extends the per-request base context (ids, child logger) with the service's own parts. */
  context: (base: RequestContext, req?: Request) => Promise<C> | C;
  /** Named readiness checks behind /health and /health/ready (all must pass). */
  checks: ReadinessChecks;
  /** The process's metrics: served on GET /metrics and fed by every operation. */
  metrics?: ServiceMetrics;
  bodyLimit?: string;
}

export interface GraphQLHttpServer {
  httpServer: http.Server;
  /** Starts Apollo and listens; resolves with the bound URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, drains in-flight requests, stops Apollo. */
  stop(): Promise<void>;
}

/** Builds (does not start) the HTTP server: POST/GET /graphql plus health endpoints. */
export function createGraphQLHttpServer<C extends RequestContext>(
  options: GraphQLHttpOptions<C>,
): GraphQLHttpServer {
  const { logger, production } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const apollo = new ApolloServer<C>({
    ...(options.apollo as ApolloServerOptions<C>),
    introspection: !production,
    formatError: maskUnexpectedErrors(logger),
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (onShutdown: stop HTTP, then consumers, then connections).
    stopOnTerminationSignals: false,
    plugins: [
      // Leaves time, within the process's shutdown budget, to stop messaging and close connections.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 5_000 }),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      requestLogging<C>(),
      graphqlTelemetry<C>(options.metrics),
      ...(options.apollo.plugins ?? []),
    ],
  });

  healthRoutes(app, options.checks);
  if (options.metrics) metricsRoute(app, options.metrics);
  const service = String(logger.bindings().service ?? 'service');

  let started = false;
  return {
    httpServer,
    async listen(port, host) {
      await apollo.start();
      started = true;
      app.use(
        '/graphql',
        express.json({ limit: options.bodyLimit ?? '1mb' }),
        traceRequests(service),
        expressMiddleware(apollo, {
          context: async ({ req }) => {
            const header = req.headers['x-request-id'];
            // Printable ASCII, 1..128: it becomes the correlationId every resulting event must carry.
            const requestId = typeof header === 'string' && /^[\x21-\x7e]{1,128}$/.test(header) ? header : randomUUID();
            // The request id is the correlation id: it reaches every subgraph and every event it causes.
            return options.context({ requestId, logger: logger.child({ correlationId: requestId }) }, req);
          },
        }),
      );
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const { port: bound } = httpServer.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/graphql`;
      logger.info({ url }, 'listening');
      return url;
    },
    async stop() {
      if (started) await apollo.stop();
      else if (httpServer.listening) await new Promise((r) => httpServer.close(r));
    },
  };
}

/** The cause a mutation's events carry: the request id is the correlation id across services. */
export const cause = (ctx: RequestContext) => ({ correlationId: ctx.requestId, causationId: null });
