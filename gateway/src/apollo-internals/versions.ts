/**
 * What the changes in this folder were made for, and what is installed. On any difference the
 * gateway runs Apollo as published (index.ts): a private module of another release may look the
 * same and behave otherwise, and only the comparison tests, re-run on that release, can tell.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const MADE_FOR = { '@apollo/gateway': '2.14.4', '@apollo/federation-internals': '2.14.4' } as const;
export type Versions = Record<keyof typeof MADE_FOR, string>;

/** The patch to @apollo/gateway (repository root), applied at install by patch-package; its name carries the release. */
export const PATCH = `patches/@apollo+gateway+${MADE_FOR['@apollo/gateway']}.patch`;

const versionAt = (packageJson: string) => (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** @apollo/gateway's version, and that of the federation-internals it loads itself (its own copy, if it has one). */
export function installedVersions(): Versions {
  const gateway = require.resolve('@apollo/gateway/package.json');
  const internals = require.resolve('@apollo/federation-internals/package.json', { paths: [dirname(gateway)] });
  return { '@apollo/gateway': versionAt(gateway), '@apollo/federation-internals': versionAt(internals) };
}

/** What differs from MADE_FOR, in words ('' when nothing does). */
export function versionMismatch(installed: Versions): string {
  return (Object.keys(MADE_FOR) as Array<keyof Versions>)
    .filter((name) => installed[name] !== MADE_FOR[name])
    .map((name) => `${name} ${installed[name]} (made for ${MADE_FOR[name]})`)
    .join(', ');
}
