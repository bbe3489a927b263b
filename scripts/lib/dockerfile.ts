/**
 * Reads a Dockerfile as data, for the tests that check the root Dockerfile without a Docker engine
 * (dockerfile.unit.test.ts): instructions per stage, line continuations joined, comments dropped, and
 * what a stage inherits from the stages it is built FROM (USER, ENV, HEALTHCHECK, CMD).
 */

export interface Instruction { keyword: string; args: string; line: number }
export interface Stage { name?: string; from: string; instructions: Instruction[] }
export interface Dockerfile { args: Instruction[]; stages: Stage[] }

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let joined = lines[i]!.trim();
    if (!joined || joined.startsWith('#')) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i]!.trim();
      if (!next.startsWith('#')) joined = `${joined.slice(0, -1).trimEnd()} ${next}`.trimEnd();
    }
    const [, keyword, args = ''] = /^(\S+)\s*(.*)$/s.exec(joined)!;
    instructions.push({ keyword: keyword!.toUpperCase(), args: args.trim(), line });
  }
  const out: Dockerfile = { args: [], stages: [] };
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args.replace(/--platform=\S+\s+/, '')) ?? [];
      out.stages.push({ from: from ?? ins.args, name, instructions: [] });
    } else if (out.stages.length) out.stages[out.stages.length - 1]!.instructions.push(ins);
    else out.args.push(ins);
  }
  return out;
}

/** An exec-form argument list (`["node", "x.js"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : undefined;
}

/** `KEY=value KEY2="a b"` (ENV, ARG defaults) as an object. */
export function assignments(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return out;
}

/** The stage named `name` and every stage of this file it is built on, base first. */
export function lineage(file: Dockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  for (let stage = file.stages.find((s) => s.name === name); stage; stage = file.stages.find((s) => s.name === stage!.from)) {
    if (chain.includes(stage)) throw new Error(`stage ${name} is built on itself`);
    chain.unshift(stage);
  }
  return chain;
}

/** `${NAME}` and `$NAME` replaced by the build arguments' values, as Docker expands them in COPY, ENV, WORKDIR. */
export const expand = (text: string, args: Record<string, string>) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a, b) => args[a ?? b] ?? m);

/**
 * What a stage's image ends up with, for the given build arguments: the last USER/HEALTHCHECK/CMD/
 * WORKDIR along its lineage (a relative WORKDIR joined to the one before), ENV merged.
 */
export function effective(file: Dockerfile, name: string, args: Record<string, string> = {}) {
  const all = lineage(file, name).flatMap((s) => s.instructions).map((i) => ({ ...i, args: i.keyword === 'RUN' || i.keyword === 'CMD' ? i.args : expand(i.args, args) }));
  const last = (keyword: string) => all.filter((i) => i.keyword === keyword).pop()?.args;
  const env = Object.assign({}, ...all.filter((i) => i.keyword === 'ENV').map((i) => assignments(i.args))) as Record<string, string>;
  const workdir = all.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => (i.args.startsWith('/') ? i.args : `${dir}/${i.args}`), '/');
  return { user: last('USER'), healthcheck: last('HEALTHCHECK'), cmd: last('CMD'), workdir, env, instructions: all };
}

/**
 * Whether .dockerignore keeps `path` (repository-relative) out of the build context: a pattern
 * matches the path or a folder above it, `**` any number of folders, `*` within one; the last
 * matching pattern decides (`!` lets a path back in).
 */
export function dockerIgnored(path: string, dockerignore: string): boolean {
  const patterns = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const glob = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const source = glob
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((t) => ({ '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' })[t] ?? t.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
      .join('');
    if (candidates.some((c) => new RegExp(`^${source}$`).test(c))) ignored = !negate;
  }
  return ignored;
}
