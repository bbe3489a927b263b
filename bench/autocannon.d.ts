// autocannon 9 ships no types; the bench uses a small, checked-at-runtime part of it.
declare module 'autocannon';
