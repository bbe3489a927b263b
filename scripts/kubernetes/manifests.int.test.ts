/**
 * The Kubernetes manifests, built by kustomize and checked offline (validate.ts): valid objects,
 * consistent with the code. Needs kustomize (`go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1`);
 * without it these tests are skipped, and say so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createGraphQLHttpServer } from '@cinema/serving';
import { silentLogger } from '@cinema/testing';
import { findKustomize, KUSTOMIZE_INSTALL } from './kustomize';
import { PROBES } from './services';

const ROOT = join(__dirname, '..', '..');
const kustomize = findKustomize();
if (!kustomize) console.warn(`SKIPPED: the Kubernetes manifests were not checked: kustomize is not installed (${KUSTOMIZE_INSTALL})`);
const withKustomize = kustomize ? test : test.skip;

interface Report {
  dir: string;
  kinds: Record<string, number>;
  problems: string[];
}

function validate(...dirs: string[]): { status: number | null; reports: Report[]; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/kubernetes/validate.ts', '--json', ...dirs], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  const out = run.stdout ? (JSON.parse(run.stdout) as { reports: Report[] }) : { reports: [] };
  return { status: run.status, reports: out.reports, stderr: run.stderr };
}

withKustomize('the base and every overlay build, validate and match the code', () => {
  const { status, reports, stderr } = validate();
  expect(stderr).toBe('');
  expect(reports.map((r) => r.dir)).toEqual(['deploy/kubernetes/base', 'deploy/kubernetes/overlays/development']);
  for (const r of reports) {
    expect(r.problems).toEqual([]);
    expect(r.kinds).toMatchObject({ Deployment: 4, Service: 4, PodDisruptionBudget: 4, HorizontalPodAutoscaler: 1, RabbitmqCluster: 1 });
  }
  // Production creates its own Secrets; only the development overlay generates (fake) ones.
  expect(reports[0]!.kinds.Secret).toBeUndefined();
  // Per subgraph: a signing key and a broker user; the gateway's JWT key, metrics token and broker user; three MongoDB URLs.
  expect(reports[1]!.kinds.Secret).toBe(12);
  expect(status).toBe(0);
}, 120_000);

withKustomize('a broken overlay is refused, naming each fault', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinema-k8s-'));
  try {
    const base = relative(dir, join(ROOT, 'deploy', 'kubernetes', 'base'));
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: [${base}]\npatches: [{ path: broken.yaml }]\n`);
    writeFileSync(
      join(dir, 'broken.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: users }
spec:
  template:
    spec:
      containers:
        - name: app
          readinesProbe: { httpGet: { path: /health/ready, port: http } }
          readinessProbe: { httpGet: { path: /ready, port: http } }
          env:
            - { name: MONGO_DATABASE, value: users }
            - { name: AMQP_URL, value: "amqp://guest:guest@rabbitmq:5672" }
            - { name: PORT, value: "4002" }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: movies }
$patch: delete
---
apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: { name: cinema-rabbitmq }
spec: { replicas: 2, replica: 3 }
`,
    );
    const { status, reports } = validate(dir);
    const problems = reports[0]!.problems.join('\n');
    expect(problems).toContain('Deployment users: /spec/template/spec/containers/0/readinesProbe: unknown field');
    expect(problems).toContain('users: readinessProbe must GET /health/ready on port http (is /ready on http)');
    expect(problems).toContain('users: MONGO_DATABASE is not read by its config');
    expect(problems).toContain('users: AMQP_URL reaches rabbitmq, not the RabbitmqCluster');
    expect(problems).toContain('users: AMQP_URL logs in as guest, which is refused in production');
    expect(problems).toContain('users: PORT is 4002, expected 4001');
    expect(problems).toContain('movies: no PodDisruptionBudget selecting its pods');
    expect(problems).toContain('RabbitmqCluster cinema-rabbitmq: /spec Unrecognized key: "replica"');
    expect(problems).toContain('RabbitmqCluster replicas 2: use 1, 3, 5 or 7 (quorum)');
    expect(status).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

test('the probe paths the manifests use are the ones every service serves', async () => {
  // The HTTP server the gateway and every subgraph are built on, with a schema of its own.
  const server = createGraphQLHttpServer({
    logger: silentLogger,
    production: true,
    apollo: { typeDefs: 'type Query { ok: Boolean }' },
    context: (base) => base,
    checks: { always: () => true },
  });
  const url = await server.listen(0, '127.0.0.1');
  try {
    for (const path of Object.values(PROBES)) expect((await fetch(new URL(path, url))).status).toBe(200);
  } finally {
    await server.stop();
  }
});
