import pino from 'pino';

export { ADMIN, adminHeaders, asGateway, bearer, gatewayGql, mintToken, TEST_JWT_SECRET, TEST_SIGNING_SECRET, testGatewaySecurity, userIdentity, type MintOptions } from './auth';
export { testDatabase, type TestDatabase } from './database';
export { errorCodes, gql, type GraphQLResponse } from './graphql';
export { freePort } from './ports';
export { exitWithin } from './processes';
export { runId } from './run-id';
export { amqpUrl, eventually, testNamespace, testServiceEnv } from './broker';
export { hostPort, TcpProxy, type ProxyMode } from './tcp-proxy';

/** Tests assert on behaviour, not on log lines. */
export const silentLogger = pino({ level: 'silent' });
