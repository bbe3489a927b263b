/**
 * Checks a built kustomization against the code: every service has its Deployment, Service and
 * PodDisruptionBudget; ports and probes are what the services serve; pods meet the "restricted" Pod
 * Security Standard and have requests and limits; images come from one place; the gateway has its
 * autoscaler; RabbitMQ is an operator-managed cluster. Returns one line per problem.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { K8sObject } from './kustomize';
import { PROBES, SERVICES } from './services';

type Deployment = IDeployment & K8sObject;
const NAME = 'app.kubernetes.io/name';

export const ofKind = <T = K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
export const appContainer = (d: Deployment): IContainer | undefined => d.spec?.template.spec?.containers.find((c) => c.name === 'app');
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export function checkServices(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const deployments = ofKind<Deployment>(objects, 'Deployment');
  for (const [service, spec] of Object.entries(SERVICES)) {
    const d = deployments.find((x) => x.metadata.name === service);
    if (!d) {
      problems.push(`${service}: no Deployment`);
      continue;
    }
    const say = (what: string) => problems.push(`${service}: ${what}`);
    const podLabels = d.spec?.template.metadata?.labels;
    if (podLabels?.[NAME] !== service) say(`pod label ${NAME} is not ${service}`);
    const c = appContainer(d);
    if (!c) {
      say('no container named app');
      continue;
    }
    const http = c.ports?.find((p) => p.name === 'http');
    if (http?.containerPort !== spec.port) say(`container port http is ${http?.containerPort}, the service listens on ${spec.port}`);
    const env = new Map(c.env?.map((e) => [e.name, e.value]));
    if (env.get('PORT') !== String(spec.port)) say(`PORT is ${env.get('PORT')}, expected ${spec.port}`);
    if (env.get('HOST') !== '0.0.0.0') say('HOST must be 0.0.0.0 in a container (the services default to 127.0.0.1)');
    for (const [probe, path] of [['livenessProbe', PROBES.liveness], ['readinessProbe', PROBES.readiness]] as const) {
      const get = c[probe]?.httpGet;
      if (get?.path !== path || (get.port !== 'http' && get.port !== spec.port)) say(`${probe} must GET ${path} on port http (is ${get?.path} on ${get?.port})`);
    }
    const svc = ofKind<K8sObject & { spec?: { selector?: Record<string, string>; ports?: { port: number; targetPort?: unknown }[] } }>(objects, 'Service').find(
      (s) => s.metadata.name === service,
    );
    if (!svc || !matches(svc.spec?.selector, podLabels)) say('no Service selecting its pods');
    else if (!svc.spec?.ports?.some((p) => p.port === spec.port && (p.targetPort === 'http' || p.targetPort === spec.port))) say(`Service does not expose port ${spec.port}`);
    const pdbs = ofKind<K8sObject & { spec?: { selector?: { matchLabels?: Record<string, string> } } }>(objects, 'PodDisruptionBudget');
    if (!pdbs.some((p) => matches(p.spec?.selector?.matchLabels, podLabels))) say('no PodDisruptionBudget selecting its pods');
    problems.push(...checkPod(service, d, c));
  }
  const hpa = ofKind<K8sObject & { spec?: { scaleTargetRef?: { kind: string; name: string }; minReplicas?: number } }>(objects, 'HorizontalPodAutoscaler').find(
    (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'gateway',
  );
  if (!hpa) problems.push('gateway: no HorizontalPodAutoscaler');
  else if (deployments.find((d) => d.metadata.name === 'gateway')?.spec?.replicas !== undefined) problems.push('gateway: sets replicas, which the autoscaler owns');
  return problems.concat(checkRabbitmq(objects));
}

/** The "restricted" Pod Security Standard, requests and limits, and an image from `images:`. */
function checkPod(service: string, d: Deployment, c: IContainer): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${service}: ${what}`);
  const pod = d.spec?.template.spec?.securityContext;
  if (pod?.runAsNonRoot !== true || !pod.runAsUser) say('pod must set runAsNonRoot and a numeric non-root runAsUser');
  if (pod?.seccompProfile?.type !== 'RuntimeDefault') say('pod must use the RuntimeDefault seccomp profile');
  const sc = c.securityContext;
  if (sc?.allowPrivilegeEscalation !== false) say('container must set allowPrivilegeEscalation: false');
  if (!sc?.capabilities?.drop?.includes('ALL')) say('container must drop ALL capabilities');
  if (sc?.readOnlyRootFilesystem !== true) say('container must have a read-only root filesystem');
  for (const kind of ['requests', 'limits'] as const) {
    for (const r of ['cpu', 'memory']) if (c.resources?.[kind]?.[r] === undefined) say(`no ${r} ${kind}`);
  }
  // kustomize's images: sets the tag; a bare or :latest image means it was not applied.
  const image = /^(?:.+\/)?cinema-graph\/([a-z]+):([\w.-]+)$/.exec(c.image ?? '');
  if (image?.[1] !== service || image[2] === 'latest') say(`image ${c.image} is not cinema-graph/${service} with a tag set by kustomize's images:`);
  return problems;
}

function checkRabbitmq(objects: K8sObject[]): string[] {
  const clusters = ofKind<K8sObject & { spec?: { replicas?: number } }>(objects, 'RabbitmqCluster');
  if (clusters.length !== 1) return [`expected one RabbitmqCluster, found ${clusters.length}`];
  const replicas = clusters[0]!.spec?.replicas ?? 1;
  // Quorum queues need a majority: an even count adds a node without adding a tolerated failure.
  return [1, 3, 5, 7].includes(replicas) ? [] : [`RabbitmqCluster replicas ${replicas}: use 1, 3, 5 or 7 (quorum)`];
}
