import { must, mustOnceReplicated } from '@cinema/testing';

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

/** A small cinema world created through the public API only: 2 users, a movie, reviews, a premiere. */
export async function seedCinemaGraph(url: string, tag = Math.random().toString(36).slice(2, 8)) {
  const user = (email: string, fullName: string) =>
    must(url, 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, fullName } }).then(
      (d) => d.createUser.id as string,
    );
  const ann = await user(`ann-${tag}@example.com`, 'Ann Lee');
  const bob = await user(`bob-${tag}@example.com`, 'Bob Stone');
  const { createMovie } = await must(url, 'mutation($i: CreateMovieInput!) { createMovie(input: $i) { id } }', {
    i: { title: 'Arrival', durationMinutes: 116, genres: ['sci-fi', 'drama'], releaseDate: '2016-11-11' },
  });
  const movieId = createMovie.id as string;
  for (const [authorId, rating] of [
    [ann, 5],
    [bob, 4],
  ] as const) {
    await mustOnceReplicated(url, 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
      i: { movieId, authorId, rating, body: 'A film about language and time.' },
    });
  }
  const { createCity } = await must(url, 'mutation($i: CreateCityInput!) { createCity(input: $i) { id } }', {
    i: { name: `Lisbon ${tag}` },
  });
  const { createCinema } = await must(url, 'mutation($i: CreateCinemaInput!) { createCinema(input: $i) { id } }', {
    i: { cityId: createCity.id, name: 'Cinema Ideal' },
  });
  const { scheduleScreening } = await mustOnceReplicated(
    url,
    'mutation($i: ScheduleScreeningInput!) { scheduleScreening(input: $i) { id } }',
    { i: { cinemaId: createCinema.id, movieId, startsAt: inAWeek(), isPremiere: true } },
  );
  return { ann, bob, movieId, cityId: createCity.id as string, cinemaId: createCinema.id as string, screeningId: scheduleScreening.id as string, tag };
}

/** One query that needs all three subgraphs: movies → users (authors) and catalog (screenings). */
export const ACROSS_ALL_SUBGRAPHS = /* GraphQL */ `
  query Movie($id: ID!) {
    movie(id: $id) {
      title
      averageRating
      reviews { rating author { email fullName } }
      screenings { isPremiere cinema { name city { name } } }
    }
  }
`;

/** What ACROSS_ALL_SUBGRAPHS answers for the movie seedCinemaGraph made. */
export const acrossAllSubgraphsAnswer = ({ tag }: { tag: string }) => ({
  title: 'Arrival',
  averageRating: 4.5,
  reviews: [
    { rating: 5, author: { email: `ann-${tag}@example.com`, fullName: 'Ann Lee' } },
    { rating: 4, author: { email: `bob-${tag}@example.com`, fullName: 'Bob Stone' } },
  ],
  screenings: [{ isPremiere: true, cinema: { name: 'Cinema Ideal', city: { name: `Lisbon ${tag}` } } }],
});
