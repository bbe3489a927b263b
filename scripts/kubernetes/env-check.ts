/**
 * Checks each service's environment in a built kustomization against the service's own config:
 * every name is one its config.ts reads (or a helper another value refers to as $(NAME)), every
 * Secret/ConfigMap it refers to exists in the build or is one the operator creates (services.ts),
 * and the whole environment, resolved as the kubelet would, passes the service's own loader.
 */
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { K8sObject } from './kustomize';
import { appContainer, ofKind } from './consistency';
import { env as configEnv } from '@cinema/config';
import { EXTERNAL_OBJECTS, SERVICES, type ServiceSpec } from './services';

const brokerLogin = configEnv.brokerLoginProblem;

type DataObject = K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> };
const REF = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

/** A key of a Secret or ConfigMap: from the build (decoded), else the operator's (a sample). */
function lookup(objects: K8sObject[], kind: 'Secret' | 'ConfigMap', name: string): Record<string, string> | undefined {
  const built = ofKind<DataObject>(objects, kind).find((o) => o.metadata.name === name);
  if (built) {
    const data = Object.fromEntries(Object.entries(built.data ?? {}).map(([k, v]) => [k, kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v]));
    return { ...data, ...built.stringData };
  }
  return EXTERNAL_OBJECTS.find((e) => e.kind === kind && e.name === name)?.samples;
}

export function checkEnvironment(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const d of ofKind(objects, 'Deployment')) {
    const spec = SERVICES[d.metadata.name];
    const c = spec && appContainer(d as never);
    if (!spec || !c) continue;
    const say = (what: string) => problems.push(`${d.metadata.name}: ${what}`);
    const env: NodeJS.ProcessEnv = {};
    for (const from of (c.envFrom ?? []) as IEnvFromSource[]) {
      const ref = from.configMapRef ?? from.secretRef;
      const data = ref && lookup(objects, from.configMapRef ? 'ConfigMap' : 'Secret', ref.name ?? '');
      if (!data) {
        say(`envFrom names ${ref?.name}, which is neither in the build nor created by the operator (scripts/kubernetes/services.ts)`);
        continue;
      }
      for (const [k, v] of Object.entries(data)) {
        if (!reads(spec, k)) say(`envFrom ${ref!.name} sets ${k}, which its config does not read`);
        env[k] = v;
      }
    }
    const list = (c.env ?? []) as IEnvVar[];
    list.forEach((e, i) => {
      const laterRefs = list.slice(i + 1).some((l) => [...(l.value ?? '').matchAll(REF)].some((m) => m[1] === e.name));
      if (!reads(spec, e.name) && !laterRefs) say(`${e.name} is not read by its config (${d.metadata.name}'s config.ts)`);
      for (const [, name] of (e.value ?? '').matchAll(REF)) {
        // The kubelet expands $(NAME) only from variables defined before this one.
        if (!list.slice(0, i).some((p) => p.name === name) && !(name! in env)) say(`${e.name} refers to $(${name}), not defined before it`);
      }
      const value = resolve(objects, e, say);
      if (value !== undefined) env[e.name] = value.replace(REF, (whole, name: string) => env[name] ?? whole);
    });
    try {
      spec.load(env);
    } catch (err) {
      say(`its config refuses the environment: ${(err as Error).message.replace(/\n\s*/g, ' ')}`);
    }
    const secrets = list.map((e) => e.valueFrom?.secretKeyRef?.name);
    problems.push(...checkUrls(objects, d.metadata.name, env, secrets));
  }
  return problems;
}

const reads = (spec: ServiceSpec, name: string) => spec.names.has(name) || spec.patterns.some((p) => p.test(name));

function resolve(objects: K8sObject[], e: IEnvVar, say: (what: string) => void): string | undefined {
  if (e.value !== undefined) return e.value;
  const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
  if (!ref) return undefined; // fieldRef and the like: nothing the services read today
  const kind = e.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
  const data = lookup(objects, kind, ref.name ?? '');
  if (!data) say(`${e.name} refers to ${kind} ${ref.name}, which is neither in the build nor created by the operator (scripts/kubernetes/services.ts)`);
  else if (data[ref.key] === undefined) say(`${e.name} refers to key ${ref.key} of ${kind} ${ref.name}, which has no such key`);
  return data?.[ref.key];
}

/** RabbitMQ is the operator's cluster; MongoDB is a replica set (or an SRV record of one). */
function checkUrls(objects: K8sObject[], service: string, env: NodeJS.ProcessEnv, secrets: (string | undefined)[]): string[] {
  const problems: string[] = [];
  const cluster = ofKind(objects, 'RabbitmqCluster')[0]?.metadata.name;
  if (env.AMQP_URL && cluster) {
    const host = new URL(env.AMQP_URL).hostname;
    if (host !== cluster && !host.startsWith(`${cluster}.`)) problems.push(`${service}: AMQP_URL reaches ${host}, not the RabbitmqCluster's Service ${cluster}`);
    // Each service logs in as its own broker user, never as the operator's administrator (issue 24).
    if (secrets.includes(`${cluster}-default-user`)) problems.push(`${service}: AMQP_URL logs in as ${cluster}-default-user, the cluster's administrator: use the service's own broker user`);
    // (kustomize's secretGenerator appends a hash to the names it generates)
    const own = `${service}-rabbitmq`;
    if (!secrets.some((s) => s === own || s?.startsWith(`${own}-`))) problems.push(`${service}: AMQP_URL's credentials do not come from its own Secret ${own}`);
    const login = env.AMQP_URL && brokerLogin(env.AMQP_URL, `${env.AMQP_USER_PREFIX ?? 'cinema-'}${service}`, true);
    if (login) problems.push(`${service}: AMQP_URL ${login}`);
  }
  if (env.MONGO_URL && !/[?&]replicaSet=/.test(env.MONGO_URL) && !env.MONGO_URL.startsWith('mongodb+srv://')) {
    problems.push(`${service}: MONGO_URL is not a replica-set connection string (…/?replicaSet=<name>)`);
  }
  return problems;
}
