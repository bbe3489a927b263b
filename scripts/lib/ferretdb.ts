/**
 * Our FerretDB build on this machine: which build this checkout expects, which one answers on a
 * port, and which process that is. FerretDB runs detached and outlives `npm start` and the tests,
 * so the one answering may come from an older scripts/ferretdb.patch: its fixes (atomic updates
 * among them) would then go untested. The patched build reports its stamp in `buildInfo`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

/** What answers on a MongoDB URL: FerretDB with its build stamp (none before the stamp existed), or MongoDB. */
export interface ServerBuild {
  ferretdb: boolean;
  stamp?: string;
}

/** FerretDB's version and the patch's hash, as scripts/build-ferretdb.sh stamps the binary with. */
export function expectedStamp(root: string, env = process.env): string {
  const patch = createHash('sha256').update(readFileSync(join(root, 'scripts', 'ferretdb.patch'))).digest('hex');
  return `${env.FERRETDB_VERSION ?? 'v1.24.2'}+${patch.slice(0, 12)}`;
}

/** Builds the binary unless the one there carries the expected stamp. */
export function ensureBinary(root: string, bin: string, stamp: string): void {
  const file = `${bin}.build`;
  if (existsSync(bin) && existsSync(file) && readFileSync(file, 'utf8').trim() === stamp) return;
  const built = spawnSync('bash', [join(root, 'scripts', 'build-ferretdb.sh')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('could not build FerretDB (see above); or set MONGO_URL');
}

/** The server's build, or null when nothing answers at `url`. */
export async function serverBuild(url: string): Promise<ServerBuild | null> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return { ferretdb: typeof info.ferretdbVersion === 'string', stamp: info.cinemaGraphBuild || undefined };
  } catch {
    return null;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** A process's arguments, or null when it is gone or unreadable. */
function argsOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/**
 * The pid of the FerretDB this checkout's scripts started on `port`: `bin` (this checkout's
 * binary) listening there. Read from the pid file they write, else from /proc (a server started
 * before the pid file existed). Undefined for anything else: another checkout's server, a
 * MongoDB, or a system without /proc.
 */
export function startedHere(bin: string, port: number, pidFile: string): number | undefined {
  const ours = (pid: number) => {
    const args = argsOf(pid);
    return args !== null && args[0] === bin && args.includes(`--listen-addr=127.0.0.1:${port}`);
  };
  const recorded = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(recorded) && ours(recorded)) return recorded;
  return processes().find(ours);
}

/** Who runs a FerretDB on `port` (its pid and binary, from /proc), for a message; else undefined. */
export function listenerOn(port: number): { pid: number; bin: string } | undefined {
  for (const pid of processes()) {
    const args = argsOf(pid);
    if (args?.includes(`--listen-addr=127.0.0.1:${port}`)) return { pid, bin: args[0]! };
  }
  return undefined;
}

/** Every process's pid, or none on a system without /proc. */
function processes(): number[] {
  if (!existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** Stops a FerretDB we started and waits until nothing answers at `url` (SIGKILL after 10 s). */
export async function stopServer(pid: number, url: string): Promise<void> {
  const gone = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      // A zombie (a parent still alive that has not reaped it yet) has no arguments left.
      if ((argsOf(pid) ?? []).length === 0 && (await serverBuild(url)) === null) return true;
    }
    return false;
  };
  process.kill(pid, 'SIGTERM');
  if (await gone(10_000)) return;
  process.kill(pid, 'SIGKILL');
  if (!(await gone(5_000))) throw new Error(`FerretDB (pid ${pid}) did not stop`);
}
