/**
 * The id of this jest run (set by the global setup), part of every test database and broker
 * namespace name, so the global teardown removes exactly what this run created and never what
 * another run on the same servers is still using.
 */
export const runId = () => process.env.TEST_RUN_ID ?? 'adhoc';
