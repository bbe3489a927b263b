import { SUBGRAPHS } from '../lib/stack';
import { sleep, type Scenario } from './scenario';

/**
 * One instance of every service SIGKILLed at once, under the load: users', movies' and catalog's
 * first process and one gateway worker. The others carry on alone for `ms` (the subgraphs' balancers
 * send new connections to the survivors, the broker redelivers what the dead consumers held to the
 * other consumer, the survivors' relays sweep the outboxes the dead ones left; the gateway's primary
 * starts another worker at once), then the killed subgraph processes are started again.
 *
 * What a client sees: the requests in flight on a killed process fail (the gateway worker's with a
 * reset connection, a subgraph's mutations with a gateway error: a read is retried once, a mutation
 * never is, it may have committed), so no more than one per client at the moment of the kill. The
 * check holds the load to that: more failures mean the survivors did not carry on.
 */
export const instanceKill: Scenario = {
  name: 'one instance of each service killed, the others carry on', local: true, quick: true, instances: 2,
  async inject(s, ms, load) {
    const victims = SUBGRAPHS.map((sg) => s.instancesOf(sg)[0]!);
    const [worker] = s.gatewayWorkers();
    if (worker === undefined) throw new Error('no gateway worker to kill: this scenario needs --instances 2 or more');
    const alone = load.window();
    await Promise.all([...victims.map((v) => s.kill(v)), process.kill(worker, 'SIGKILL')]);
    await sleep(ms);
    const whileAlone = alone();
    const back = load.window();
    await Promise.all(victims.map((v) => s.restart(v)));
    await s.gatewayWorkersBack();
    const whileBack = back();
    const note =
      `users, movies, catalog (one of ${s.instances} each) and a gateway worker SIGKILLed; for ${whileAlone.seconds} s the others carried ` +
      `${whileAlone.sent} mutations (${whileAlone.perSecond}/s): ${whileAlone.ok} acknowledged, ${whileAlone.failed} failed; ` +
      `while the killed ones came back (${whileBack.seconds} s): ${whileBack.sent} sent, ${whileBack.failed} failed` +
      `${whileBack.failedSentBefore ? ` (${whileBack.failedSentBefore} of them sent while they were down)` : ''}` +
      `${whileAlone.reasons.length + whileBack.reasons.length ? `; failures: ${[...new Set([...whileAlone.reasons, ...whileBack.reasons])].join(' | ')}` : ''}`;
    // Failures are counted when their answer comes: one sent while the instances were down may fail
    // after they are back, and belongs to the first window's allowance.
    const failedDown = whileAlone.failed + whileBack.failedSentBefore;
    const failedBack = whileBack.failed - whileBack.failedSentBefore;
    const problems = [
      ...(failedDown > load.clients ? [`${failedDown} mutations sent while one instance of each was down failed, more than the ${load.clients} a client each could have had in flight`] : []),
      ...(failedBack > 0 ? [`${failedBack} mutations sent while the killed instances came back failed (${whileBack.reasons.join(' | ')})`] : []),
      ...(whileAlone.ok === 0 ? ['nothing was acknowledged while one instance of each was down'] : []),
    ];
    return { note, check: async () => (problems.length ? problems.join('; ') : undefined) };
  },
};
