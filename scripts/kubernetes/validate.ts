/**
 * `npm run k8s:check [-- <kustomization dir> ...] [--json]`: builds each kustomization (default:
 * deploy/kubernetes/base and every overlay) with kustomize and checks the result offline: every
 * object against its schema (schema-check.ts), and the whole against the code (consistency.ts,
 * env-check.ts). Exit 1 on any problem, 2 when kustomize is missing.
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkServices } from './consistency';
import { checkEnvironment } from './env-check';
import { DEPLOY, findKustomize, KUSTOMIZE_INSTALL, kustomizeBuild, kustomizeVersion, ROOT } from './kustomize';
import { checkSchemas } from './schema-check';


export interface Report {
  dir: string;
  objects: number;
  kinds: Record<string, number>;
  problems: string[];
}

async function check(bin: string, dir: string): Promise<Report> {
  const report: Report = { dir: relative(ROOT, dir) || '.', objects: 0, kinds: {}, problems: [] };
  try {
    const objects = kustomizeBuild(bin, dir);
    report.objects = objects.length;
    for (const o of objects) report.kinds[o.kind] = (report.kinds[o.kind] ?? 0) + 1;
    report.problems.push(...(await checkSchemas(objects)), ...checkServices(objects), ...checkEnvironment(objects));
  } catch (err) {
    report.problems.push((err as Error).message);
  }
  return report;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const bin = findKustomize();
  if (!bin) {
    console.error(`✗ kustomize not found (PATH, $(go env GOPATH)/bin or $KUSTOMIZE): install it with\n  ${KUSTOMIZE_INSTALL}`);
    return 2;
  }
  const overlays = join(DEPLOY, 'overlays');
  const dirs = positionals.length
    ? positionals.map((d) => resolve(d))
    : [join(DEPLOY, 'base'), ...readdirSync(overlays, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(overlays, e.name))];
  const reports: Report[] = [];
  for (const dir of dirs) reports.push(await check(bin, dir));
  if (values.json) console.log(JSON.stringify({ kustomize: kustomizeVersion(bin), reports }, null, 2));
  else {
    console.log(`kustomize ${kustomizeVersion(bin)}`);
    for (const r of reports) {
      const kinds = Object.entries(r.kinds).map(([k, n]) => `${n} ${k}`).join(', ');
      if (!r.problems.length) console.log(`✓ ${r.dir}: ${r.objects} objects valid and consistent with the code (${kinds})`);
      else console.log(`✗ ${r.dir}: ${r.problems.length} problem(s)\n${r.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
  return reports.some((r) => r.problems.length) ? 1 : 0;
}

void main().then((code) => process.exit(code));
