/**
 * One HubClient per Docker Hub identity, all on one shared connection pool. Agents that share a
 * credential share its cached token; a reloaded config whose secret changed gets a new client.
 */
import { createHash } from 'node:crypto';
import type { HubCredentialConfig } from '../config/types.js';
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
    const key = `${credential.username}\u0000${createHash('sha256').update(credential.secret).digest('hex')}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new HubClient(this.connection, {
        username: credential.username,
        secret: credential.secret,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
