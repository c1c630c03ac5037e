/** Opens the audit's source: the files given, or the cluster from the kubeconfig / service account. */
import type { AuditSettings, AuditCommandOptions } from './settings.js';
import { createTransport } from './http.js';
import { createImageApi, type ImageApi } from './image-api.js';
import { loadClusterAccess } from './kube-config.js';
import { clusterSource, fileSource, type ImageSource } from './sources.js';

export interface OpenedSource {
  readonly source: ImageSource;
  /** The Image API (cluster source only), for write-back. */
  readonly api?: ImageApi;
  /** For the report: the API server URL, or the file arguments. */
  readonly description: string;
  close(): void;
}

/** Throws ConfigError for an unusable kubeconfig. */
export async function openSource(inputs: readonly string[], options: AuditCommandOptions, settings: AuditSettings): Promise<OpenedSource> {
  if (!settings.cluster) {
    return {
      source: fileSource(inputs, { pageSize: settings.pageSize, ...(settings.selector ? { selector: settings.selector } : {}) }),
      description: inputs.join(' '),
      close: () => undefined,
    };
  }
  const access = await loadClusterAccess({
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    inCluster: options.inCluster === true,
  });
  const transport = createTransport(access, { userAgent: 'imagetrust-audit' });
  const api = createImageApi(transport, { who: access.description });
  return {
    source: clusterSource(api, { pageSize: settings.pageSize, ...(options.selector !== undefined ? { selector: options.selector } : {}) }),
    api,
    description: access.server,
    close: () => transport.close(),
  };
}
