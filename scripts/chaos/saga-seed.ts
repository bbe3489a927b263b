import { adminHeaders, gql } from '@cinema/testing';

/** Users with credits and screenings to book: the booking load starts from these in every scenario. */
export interface SagaSeed {
  userIds: string[];
  screeningIds: string[];
}

async function admin(url: string, query: string, variables: Record<string, unknown>, retryMs = 0): Promise<any> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    const res = await gql(url, query, variables, await adminHeaders());
    if (!res.errors?.length && res.data) return res.data;
    if (Date.now() > deadline) throw new Error(`saga seed: ${JSON.stringify(res.errors)}`);
    await new Promise((r) => setTimeout(r, 100)); // catalog's replica has not seen the movie yet
  }
}

/**
 * Made once per chaos run through the public API: three screenings of 100 seats at 10 credits, four
 * users who can pay for many seats and two who can pay for one (so rejections happen too).
 */
export async function seedSaga(url: string, cinemaId: string): Promise<SagaSeed> {
  const tag = Math.random().toString(36).slice(2, 8);
  const { createMovie } = await admin(url, 'mutation($t: String!) { createMovie(input: { title: $t, durationMinutes: 100 }) { id } }', { t: `Saga ${tag}` });
  const screeningIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const startsAt = new Date(Date.now() + (40 + i) * 86_400_000).toISOString();
    const d = await admin(url, 'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }', { i: { cinemaId, movieId: createMovie.id, startsAt, price: 10 } }, 20_000);
    screeningIds.push(d.scheduleScreening.id);
  }
  const userIds: string[] = [];
  for (const credits of [300, 300, 300, 300, 15, 15]) {
    const d = await admin(url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `saga-${tag}-${userIds.length}@example.com`, fullName: 'Saga Booker' } });
    await admin(url, 'mutation($u: ID!, $a: Int!) { grantCredits(userId: $u, amount: $a, reason: "chaos seed") { id } }', { u: d.createUser.id, a: credits });
    userIds.push(d.createUser.id);
  }
  return { userIds, screeningIds };
}
