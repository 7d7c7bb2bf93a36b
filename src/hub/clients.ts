/**
 * One HubClient per Docker Hub identity, all on one shared connection pool. Agents that share a
 * credential share its cached token; a reloaded config whose secret changed gets a new client.
 */
import { createHash } from 'node:crypto';
import type { Credential } from './auth.js';
import type { HubBlockBoard } from './board.js';
import { HubClient, type HubClientOptions } from './client.js';
import type { HubConnection } from './connection.js';

export type HubClientsOptions = Omit<HubClientOptions, 'board'> & {
  /** Where replicas share rate-limit blocks (none: this process alone). */
  board?: HubBlockBoard;
};

/** A SCIM bearer token and the org it belongs to. */
export interface ScimIdentity {
  org: string;
  token: string;
}

export class HubClients {
  private readonly clients = new Map<string, HubClient>();
  /** A name for each client that is not a secret: the username, or the SCIM org. */
  private readonly labels = new Map<HubClient, string>();
  /** The client of each credential object of a loaded config: no hashing on every call. */
  private readonly byCredential = new WeakMap<object, HubClient>();
  readonly anonymous: HubClient;

  constructor(
    readonly connection: HubConnection,
    private readonly options: HubClientsOptions = {},
  ) {
    this.anonymous = new HubClient(connection, undefined, undefined, this.optionsFor('anonymous'));
    this.labels.set(this.anonymous, 'anonymous');
  }

  for(credential: Credential | undefined): HubClient {
    if (!credential) return this.anonymous;
    const known = this.byCredential.get(credential);
    if (known) return known;
    // Keyed by identity, not by the config's name: the secret is hashed so it is not kept twice.
    const key = `hub\u0000${credential.username}\u0000${digest(credential.secret)}`;
    const client = this.cached(key, credential.username, () => {
      return new HubClient(
        this.connection,
        { username: credential.username, secret: credential.secret },
        undefined,
        this.optionsFor(key),
      );
    });
    this.byCredential.set(credential, client);
    return client;
  }

  /** SCIM calls carry the org's SCIM token as the bearer, with no exchange. */
  forScim(credential: ScimIdentity): HubClient {
    const key = `scim\u0000${digest(credential.token)}`;
    return this.cached(key, `scim:${credential.org}`, () => {
      return new HubClient(this.connection, undefined, credential.token, this.optionsFor(key));
    });
  }

  /**
   * Every secret the clients hold, in every form an upstream may echo it: the same array while no
   * client's list changes (each keeps its own until a token changes), since this runs for every
   * result and scrubSecrets keeps its ordering of a list it has seen.
   */
  secretForms(): readonly string[] {
    const lists = [...this.clients.values()].map((client) => client.secretForms());
    const last = this.forms;
    if (last?.lists.length !== lists.length || last.lists.some((list, i) => list !== lists[i])) {
      this.forms = { lists, forms: [...new Set(lists.flat())] };
    }
    return (this.forms as { forms: string[] }).forms;
  }

  private forms: { lists: string[][]; forms: string[] } | undefined;

  /** The Hub's last X-RateLimit-Remaining for each identity that has made calls. */
  rateLimits(): { credential: string; remaining: number }[] {
    const figures: { credential: string; remaining: number }[] = [];
    for (const [client, credential] of this.labels) {
      const { remaining } = client.rateLimit;
      if (remaining !== undefined) figures.push({ credential, remaining });
    }
    return figures;
  }

  /** A client's options: the shared ones, and its name on the board (a digest: no secret). */
  private optionsFor(key: string): HubClientOptions {
    const { board, ...rest } = this.options;
    return board ? { ...rest, board: { board, identity: digest(key) } } : rest;
  }

  private cached(key: string, label: string, make: () => HubClient): HubClient {
    let client = this.clients.get(key);
    if (!client) {
      client = make();
      this.clients.set(key, client);
      this.labels.set(client, label);
    }
    return client;
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
