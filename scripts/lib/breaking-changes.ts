import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findBreakingChanges } from 'graphql';
import { apiSchemaOf, SCHEMA_DIR, SUPERGRAPH_PATH } from './supergraph';

export const ACK_PATH = join(SCHEMA_DIR, 'breaking-changes.json');

/** One version of a contract file (the supergraph's SDL, the AsyncAPI document's YAML). */
export interface SchemaVersion {
  label: string;
  text: string;
}
export interface Finding {
  from: string;
  to: string;
  change: string;
  acknowledged: boolean;
}

/** Changes of the client-facing API (not of federation internals) that can break a client. */
export function breakingChanges(before: string, after: string): string[] {
  return findBreakingChanges(apiSchemaOf(before), apiSchemaOf(after)).map((c) => `${c.type}: ${c.description}`);
}

/** `schema/breaking-changes.json`: [{ "change": "<exact line reported>", "reason": "why it is fine" }]. */
export function acknowledged(path = ACK_PATH): Set<string> {
  if (!existsSync(path)) return new Set();
  const entries = JSON.parse(readFileSync(path, 'utf8')) as Array<{ change: string; reason?: string }>;
  return new Set(entries.filter((e) => e.reason && e.reason.trim()).map((e) => e.change));
}

/** Every committed version of a contract file, oldest first (empty without git history). */
export function committedVersions(cwd: string, path = SUPERGRAPH_PATH): SchemaVersion[] {
  const file = relative(cwd, path);
  try {
    const commits = execFileSync('git', ['log', '--reverse', '--format=%h', '--', file], { cwd, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    return commits.map((c) => ({
      label: c,
      text: execFileSync('git', ['show', `${c}:${file}`], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 }),
    }));
  } catch {
    return [];
  }
}

/** Checks each step of a contract's history (and the working tree) for unacknowledged breaks. */
export function checkHistory(versions: SchemaVersion[], ack = acknowledged(), compare = breakingChanges): Finding[] {
  const findings: Finding[] = [];
  for (let i = 1; i < versions.length; i++) {
    const [a, b] = [versions[i - 1]!, versions[i]!];
    if (a.text === b.text) continue;
    for (const change of compare(a.text, b.text)) {
      findings.push({ from: a.label, to: b.label, change, acknowledged: ack.has(change) });
    }
  }
  return findings;
}
