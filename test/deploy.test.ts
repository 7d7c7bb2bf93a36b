/**
 * The Kubernetes example (deploy/kubernetes/hubgate.yaml) is checked for what can be checked
 * without a cluster: it parses, runs two replicas that share one Redis it defines, takes its
 * config and credentials from Secrets, is ready on /readyz, and its arguments are ones hubgate
 * itself accepts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseCommandLine } from '../src/options.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type Manifest = any;

const manifests: Manifest[] = parseAllDocuments(
  readFileSync(new URL('../deploy/kubernetes/hubgate.yaml', import.meta.url), 'utf8'),
).map((document) => {
  expect(document.errors).toEqual([]);
  return document.toJS();
});
const find = (kind: string, name: string) =>
  manifests.find((manifest) => manifest.kind === kind && manifest.metadata?.name === name);

describe('the Kubernetes example', () => {
  const deployment = find('Deployment', 'hubgate');
  const container = deployment?.spec.template.spec.containers[0];

  it('runs two replicas, ready on /readyz, alive on /healthz, as a non-root user', () => {
    expect(deployment?.spec.replicas).toBe(2);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.image).not.toMatch(/:latest$|^[^:]+$/);
  });

  it('passes arguments hubgate http accepts, sharing the Redis the file defines', () => {
    const command = parseCommandLine(container.args, {});
    expect(command.kind).toBe('http');
    if (command.kind !== 'http') return;
    expect(command.options.host).toBe('0.0.0.0');
    const redis = new URL(command.options.redisUrl ?? '');
    const service = find('Service', redis.hostname);
    expect(service, `a Service named ${redis.hostname}`).toBeDefined();
    expect(service.spec.ports.map((port: { port: number }) => port.port)).toContain(
      Number(redis.port),
    );
    const redisDeployment = find('Deployment', redis.hostname);
    expect(redisDeployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  it('takes the config and the credentials from Secrets, and is reachable through its Service', () => {
    const config = container.volumeMounts.find((mount: { mountPath: string }) =>
      container.args.includes(`${mount.mountPath}/hubgate.yaml`),
    );
    expect(config, 'the --config file is on a mounted volume').toBeDefined();
    const volume = deployment.spec.template.spec.volumes.find(
      (entry: { name: string }) => entry.name === config.name,
    );
    expect(volume.secret.secretName).toBe('hubgate-config');
    expect(container.envFrom[0].secretRef.name).toBe('hubgate-credentials');
    const service = find('Service', 'hubgate');
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe(container.ports[0].name);
  });
});
