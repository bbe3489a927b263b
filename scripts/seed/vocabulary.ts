/** Words the seed composes its data set from; plain data, no logic. */

export const FIRST_NAMES = [
  'Ada', 'Aisha', 'Alex', 'Amara', 'Ana', 'Ben', 'Bruno', 'Carla', 'Chen', 'Chloe', 'Dara', 'David', 'Diego',
  'Elena', 'Emil', 'Eva', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jade', 'Jonas', 'Kai',
  'Kofi', 'Lara', 'Leo', 'Lina', 'Luca', 'Maya', 'Mei', 'Milan', 'Nadia', 'Nico', 'Noor', 'Omar', 'Paula',
  'Priya', 'Rafael', 'Rosa', 'Sami', 'Sara', 'Sofia', 'Tariq', 'Tomas', 'Uma', 'Vera', 'Yara', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Almeida', 'Andersen', 'Baker', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad',
  'Ito', 'Jensen', 'Kaur', 'Kim', 'Kowalski', 'Laurent', 'Lee', 'Lopes', 'Mendes', 'Moreau', 'Murphy',
  'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Park', 'Patel', 'Pereira', 'Rossi', 'Santos', 'Schmidt', 'Silva',
  'Singh', 'Sousa', 'Tanaka', 'Varga', 'Wagner', 'Weber', 'Wong', 'Yilmaz', 'Zhang', 'Ziegler',
] as const;

export const ADJECTIVES = [
  'Silent', 'Last', 'Hidden', 'Broken', 'Golden', 'Distant', 'Burning', 'Quiet', 'Endless', 'Crimson', 'Hollow',
  'Northern', 'Paper', 'Midnight', 'Wild', 'Forgotten', 'Glass', 'Iron', 'Secret', 'Lonely', 'Electric', 'Winter',
] as const;

export const NOUNS = [
  'Harbor', 'Garden', 'River', 'Empire', 'Letter', 'Mirror', 'Station', 'Island', 'Horizon', 'Orchard', 'Signal',
  'Kingdom', 'Lighthouse', 'Summer', 'Frontier', 'Archive', 'Carnival', 'Machine', 'Tide', 'Voyage', 'Echo', 'Valley',
] as const;

export const GENRES = [
  'drama', 'comedy', 'thriller', 'sci-fi', 'romance', 'horror', 'documentary', 'animation', 'crime', 'adventure',
  'fantasy', 'mystery', 'musical', 'war', 'western', 'family',
] as const;

export const SYNOPSIS_OPENINGS = [
  'A retired cartographer', 'A night-shift nurse', 'A young detective', 'An exiled chef',
  'A lighthouse keeper', 'A struggling jazz band', 'A small-town mayor', 'A stubborn botanist', 'A reluctant heir',
] as const;

export const SYNOPSIS_TURNS = [
  'discovers a map that should not exist', 'inherits a failing cinema', 'must cross the country in a week',
  'finds letters hidden in the walls', 'is drawn into a forgery ring', 'races a storm to the coast',
  'tries to win back a lost election', 'stumbles on a decades-old disappearance', 'agrees to one last job',
] as const;

export const REVIEW_OPENINGS = {
  1: ['Could not finish it.', 'A real disappointment.', 'Two hours I will not get back.'],
  2: ['Mostly forgettable.', 'Some good moments, too few.', 'Looks great, says little.'],
  3: ['Solid, if uneven.', 'Worth a rainy afternoon.', 'Fine, not more.'],
  4: ['Really enjoyed it.', 'Smart and well acted.', 'Better than I expected.'],
  5: ['A masterpiece.', 'Saw it twice in a week.', 'The best film this year.'],
} as const;

export const REVIEW_DETAILS = [
  'The score stays with you.', 'The lead performance carries it.', 'The second half drags.',
  'The ending divided our whole row.', 'Gorgeous cinematography.', 'The dialogue feels natural.',
  'Pacing is a problem.', 'Funny in unexpected places.', 'It trusts its audience.', 'Too long by twenty minutes.',
] as const;

export const CITIES = [
  'Lisbon', 'Porto', 'Madrid', 'Barcelona', 'Paris', 'Lyon', 'Berlin', 'Hamburg', 'Munich', 'Vienna', 'Prague',
  'Warsaw', 'Krakow', 'Budapest', 'Rome', 'Milan', 'Turin', 'Amsterdam', 'Rotterdam', 'Brussels', 'Copenhagen',
  'Stockholm', 'Oslo', 'Helsinki', 'Dublin', 'Edinburgh', 'London', 'Manchester', 'Zurich', 'Geneva', 'Athens',
  'Istanbul', 'Seville', 'Valencia', 'Marseille', 'Bologna', 'Ljubljana', 'Zagreb', 'Tallinn', 'Riga',
] as const;

export const CINEMA_NAMES = [
  'Cinema Ideal', 'Odeon', 'Lumiere', 'Paradiso', 'Picturehouse', 'Roxy', 'Metropolis', 'Astoria', 'Rialto', 'Capitol',
  'Nova', 'Studio 7', 'Empire', 'Palace', 'Gaumont', 'Kino Central', 'Electric', 'Majestic', 'Apollo', 'Cine Arte',
] as const;

/** Show times in UTC, as hours and minutes. */
export const SHOW_TIMES = [
  [13, 30], [16, 0], [18, 30], [21, 0], [23, 15],
] as const;
