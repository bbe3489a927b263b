/**
 * Finds kustomize (v5.7.1: `go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1`) and builds a
 * kustomization into plain objects. `go install` puts it in $(go env GOPATH)/bin, which is often not
 * on PATH, so that is looked at too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy', 'kubernetes');
export const KUSTOMIZE_INSTALL = 'go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1';

/** A Kubernetes object as kustomize prints it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function goBin(): string | undefined {
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' });
  return gopath.status === 0 && gopath.stdout.trim() ? join(gopath.stdout.trim().split(delimiter)[0]!, 'bin') : undefined;
}

/** The kustomize binary's path, or undefined when it is not installed. */
export function findKustomize(env = process.env): string | undefined {
  if (env.KUSTOMIZE) return existsSync(env.KUSTOMIZE) ? env.KUSTOMIZE : undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter), goBin(), join(homedir(), 'go', 'bin')];
  return dirs.filter((d): d is string => !!d).map((d) => join(d, 'kustomize')).find((p) => existsSync(p));
}

export function kustomizeVersion(bin: string): string {
  return execFileSync(bin, ['version'], { encoding: 'utf8' }).trim();
}

/** `kustomize build <dir>` as objects; a failed build throws with kustomize's own message. */
export function kustomizeBuild(bin: string, dir: string): K8sObject[] {
  const run = spawnSync(bin, ['build', dir], { encoding: 'utf8', maxBuffer: 32 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`kustomize build ${dir} failed: ${(run.stderr || run.error?.message || '').trim()}`);
  return parseAllDocuments(run.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`kustomize build ${dir} printed invalid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}
