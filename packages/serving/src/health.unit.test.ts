import { checkReadiness } from './health';

describe('readiness', () => {
  it('is ok only when every check passes, and names the state of each', async () => {
    expect(await checkReadiness({ a: () => true, b: async () => true })).toEqual({ ok: true, checks: { a: 'ok', b: 'ok' } });
    expect(
      await checkReadiness({
        mongo: () => true,
        rabbitmq: () => false,
        thrower: () => {
          throw new Error('boom');
        },
      }),
    ).toEqual({ ok: false, checks: { mongo: 'ok', rabbitmq: 'down', thrower: 'down' } });
  });

  it('bounds a check that hangs', async () => {
    const started = Date.now();
    const result = await checkReadiness({ hangs: () => new Promise<boolean>(() => undefined), fine: () => true }, 100);
    expect(result).toEqual({ ok: false, checks: { hangs: 'timeout', fine: 'ok' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
