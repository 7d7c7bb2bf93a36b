/**
 * One HubClient per Docker Hub identity, all on one shared connection pool. Agents that share a
 * credential share its cached token; a reloaded config whose secret changed gets a new client.
 */
import { createHash } from 'node:crypto';
import type { HubCredentialConfig, ScimCredentialConfig } from '../config/types.js';
import { HubClient } from './client.js';
import type { HubConnection } from './connection.js';

export class HubClients {
  private readonly clients = new Map<string, HubClient>();
  readonly anonymous: HubClient;

  constructor(readonly connection: HubConnection) {
    this.anonymous = new HubClient(connection);
  }

  for(credential: HubCredentialConfig | undefined): HubClient {
    if (!credential) return this.anonymous;
    // Keyed by identity, not by the config's name: the secret is hashed so it is not kept twice.
    return this.cached(
      `hub\u0000${credential.username}\u0000${digest(credential.secret)}`,
      () =>
        new HubClient(this.connection, {
          username: credential.username,
          secret: credential.secret,
        }),
    );
  }

  /** SCIM calls carry the org's SCIM token as the bearer, with no exchange. */
  forScim(credential: ScimCredentialConfig): HubClient {
    return this.cached(
      `scim\u0000${digest(credential.token)}`,
      () => new HubClient(this.connection, undefined, credential.token),
    );
  }

  private cached(key: string, make: () => HubClient): HubClient {
    let client = this.clients.get(key);
    if (!client) {
      client = make();
      this.clients.set(key, client);
    }
    return client;
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
