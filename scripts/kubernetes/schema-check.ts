/**
 * Validates built objects offline: Kubernetes' own kinds against the OpenAPI schemas compiled into
 * the `kubernetes-models` package, and the RabbitmqCluster (no model exists for it) against the
 * fields of rabbitmq.com/v1beta1 this project uses. Strict like `kubectl apply`'s server-side field
 * validation: a field the schema does not know (a typo such as `readinesProbe`) is an error, where
 * the API server would reject it and an older one would silently drop it.
 * kubernetes-models ships ES modules only: they are loaded with import(), which tsx leaves as is.
 */
import { z } from 'zod';
import type { K8sObject } from './kustomize';

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string; params: object; message?: string }[] | null;
};

/** IoK8sApiAppsV1Deployment for apps/v1 Deployment, IoK8sApiCoreV1Service for v1 Service… */
function schemaName(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `IoK8sApi${cap(group!.split('.')[0]!)}${cap(version!)}${kind}`;
}

async function loadValidator(name: string): Promise<Validator | undefined> {
  try {
    return ((await import(`kubernetes-models/_schemas/${name}`)) as { validate: Validator }).validate;
  } catch {
    return undefined;
  }
}

/**
 * Runs a compiled validator on a proxy of the data that records which keys it reads: the
 * validator reads every property its schema declares, so an own key never read is unknown to it.
 */
function strictly(validate: Validator, data: unknown): string[] {
  const read = new Map<object, Set<PropertyKey>>();
  const paths = new Map<object, string>();
  const wrap = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (!read.has(value)) {
      paths.set(value, path);
      read.set(value, new Set());
    }
    return new Proxy(value, {
      get(target, key) {
        read.get(target)!.add(key);
        const v = Reflect.get(target, key);
        return typeof key === 'string' ? wrap(v, `${path}/${key}`) : v;
      },
    });
  };
  const ok = validate(wrap(data, ''));
  const problems = ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? `fails ${e.keyword} ${JSON.stringify(e.params)}`}`);
  for (const [object, keys] of read) {
    if (Array.isArray(object)) continue;
    for (const key of Object.keys(object)) if (!keys.has(key)) problems.push(`${paths.get(object) || '/'}/${key}: unknown field`);
  }
  return problems;
}

const core = async (name: string) => {
  const validate = (await loadValidator(name))!;
  return z.unknown().superRefine((value, ctx) => {
    for (const message of strictly(validate, value)) ctx.addIssue({ code: 'custom', message });
  });
};

// rabbitmq.com/v1beta1 RabbitmqCluster, the fields this project sets (api/v1beta1/rabbitmqcluster_types.go
// of rabbitmq/cluster-operator); resources and affinity are core types, checked by their own schemas.
async function rabbitmqClusterSchema() {
    return z.strictObject({
    apiVersion: z.literal('rabbitmq.com/v1beta1'),
    kind: z.literal('RabbitmqCluster'),
    metadata: z.strictObject({
      name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63),
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    }),
    spec: z.strictObject({
      replicas: z.number().int().min(0),
      image: z.string().min(1).optional(),
      resources: (await core('IoK8sApiCoreV1ResourceRequirements')).optional(),
      persistence: z.strictObject({ storageClassName: z.string().optional(), storage: z.string().regex(/^\d+(\.\d+)?([KMGTPE]i?)?$/).optional() }).optional(),
      affinity: (await core('IoK8sApiCoreV1Affinity')).optional(),
      tolerations: z.array(await core('IoK8sApiCoreV1Toleration')).optional(),
      rabbitmq: z
        .strictObject({
          additionalPlugins: z.array(z.string().regex(/^\w+$/).max(100)).max(100).optional(),
          additionalConfig: z.string().max(2000).optional(),
          advancedConfig: z.string().max(100_000).optional(),
          envConfig: z.string().max(100_000).optional(),
        })
        .optional(),
    }),
  });
}

/**
 * kustomize wraps long base64 values over lines; the API server's decoder (Go's) skips line breaks,
 * the schema's `byte` format does not, so they are joined before the check.
 */
function unwrapped(secret: K8sObject & { data?: Record<string, string> }) {
  if (!secret.data) return secret;
  return { ...secret, data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v])) };
}

/** One line per problem, each naming the object. */
export async function checkSchemas(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  const rabbitmqCluster = await rabbitmqClusterSchema();
  for (const o of objects) {
    const name = `${o.kind} ${o.metadata?.name}`;
    if (o.kind === 'RabbitmqCluster') {
      const parsed = rabbitmqCluster.safeParse(o);
      if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${name}: /${i.path.join('/')} ${i.message}`));
      continue;
    }
    const validate = await loadValidator(schemaName(o.apiVersion, o.kind));
    if (!validate) problems.push(`${name}: no schema for ${o.apiVersion} ${o.kind} to check it against`);
    else problems.push(...strictly(validate, o.kind === 'Secret' ? unwrapped(o) : o).map((p) => `${name}: ${p}`));
  }
  return problems;
}
