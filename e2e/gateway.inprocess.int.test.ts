import { errorCodes, gql, must, mustOnceReplicated } from '@cinema/testing';
import { startInProcessGraph } from './support/in-process';
import { ACROSS_ALL_SUBGRAPHS, acrossAllSubgraphsAnswer, seedCinemaGraph } from './support/scenario';

type Graph = Awaited<ReturnType<typeof startInProcessGraph>>;
let graph: Graph;
beforeAll(async () => {
  graph = await startInProcessGraph();
});
afterAll(() => graph.stop());

describe('the committed supergraph over the real subgraphs, in one process', () => {
  it('answers a query that needs all three subgraphs', async () => {
    const seed = await seedCinemaGraph(graph.url);
    const { movie } = await must(graph.url, ACROSS_ALL_SUBGRAPHS, { id: seed.movieId });
    expect(movie).toEqual(acrossAllSubgraphsAnswer(seed));
  });

  it('resolves any number of review authors with one users query (batched entity references)', async () => {
    const countFor = async (reviewsPerMovie: number) => {
      const authors: string[] = [];
      for (let i = 0; i < reviewsPerMovie; i++) {
        const d = await must(graph.url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
          i: { email: `r${reviewsPerMovie}-${i}-${Date.now()}@example.com`, fullName: `Reviewer ${i}` },
        });
        authors.push(d.createUser.id);
      }
      const movieIds: string[] = [];
      for (let m = 0; m < 3; m++) {
        const d = await must(graph.url, 'mutation { createMovie(input: { title: "Batch", durationMinutes: 90 }) { id } }');
        movieIds.push(d.createMovie.id);
        for (const authorId of authors) {
          await mustOnceReplicated(graph.url, 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
            i: { movieId: d.createMovie.id, authorId, rating: 3, body: 'fine' },
          });
        }
      }
      graph.dbs.users.resetCommands();
      graph.dbs.movies.resetCommands();
      const { movies } = await must(graph.url, '{ movies(first: 20) { id reviews(first: 20) { author { email } } } }');
      const ours = movies.filter((m: { id: string }) => movieIds.includes(m.id));
      expect(ours.flatMap((m: any) => m.reviews)).toHaveLength(3 * reviewsPerMovie);
      expect(ours.flatMap((m: any) => m.reviews).every((r: any) => r.author.email.includes('@'))).toBe(true);
      // Reads only: the relay removing published events (updates) runs in the background meanwhile.
      const reads = (commands: string[]) => commands.filter((c) => c === 'find' || c === 'aggregate');
      return { users: reads(graph.dbs.users.commands), movies: reads(graph.dbs.movies.commands).length };
    };
    const few = await countFor(2);
    const many = await countFor(12);
    expect(few.users).toEqual(['find']);
    expect(many.users).toEqual(['find']);
    expect(many.movies).toBe(few.movies);
  });

  it('passes BAD_USER_INPUT from a subgraph through the gateway', async () => {
    const res = await gql(graph.url, 'mutation { createUser(input: { email: "x@y.io", fullName: "" }) { id } }');
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors?.[0]?.message).toMatch(/fullName must not be empty/);
  });
});
