import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { OAuthistConfigurationError } from '../errors';
import { RedisConnection } from '../redis/redis-connection';
import { AuthorizationCodeGrant } from './authorization-code.grant';
import { ClientCredentialsGrant } from './client-credentials.grant';
import { GRANT_TYPE_METADATA, GrantType } from './grant-type';
import { PasswordGrant } from './password.grant';
import { RefreshTokenGrant } from './refresh-token.grant';

// RFC 6749 appendix A.10: grant-name = 1*name-char, or an absolute URI (§4.5).
const GRANT_NAME = /^([-._A-Za-z0-9]+|[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+)$/;

/** The parameters every token request may carry, whatever its grant (RFC 6749 §3.2, §2.3.1). */
const SHARED_PARAMETERS = ['grant_type', 'client_id', 'client_secret', 'scope'];

/**
 * The grant types of the token endpoint: the built-in ones, and every provider of the
 * application marked with `@OAuthGrantType()`. The endpoint dispatches through it, and the
 * metadata lists what it holds, so a new grant type changes nothing else.
 */
@Injectable()
export class GrantTypeRegistry implements OnModuleInit {
  private grants: ReadonlyMap<string, GrantType> | null = null;
  private parameters: readonly string[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly builtIn: AuthorizationCodeGrant,
    private readonly password: PasswordGrant,
    private readonly clientCredentials: ClientCredentialsGrant,
    private readonly refresh: RefreshTokenGrant,
    private readonly connection: RedisConnection,
  ) {}

  // A duplicate or malformed grant type stops start-up rather than the first token request;
  // Nest closes nothing of an application that failed to start, so the connection goes too.
  onModuleInit(): void {
    try {
      this.all();
    } catch (error) {
      this.connection.disconnectIfOwned();
      throw error;
    }
  }

  /** The enabled grant type named `name`, if any. */
  get(name: string): GrantType | undefined {
    const grant = this.all().get(name);
    return grant && (grant.isEnabled?.() ?? true) ? grant : undefined;
  }

  /** Whether `name` is a grant type this server has, enabled or not. */
  has(name: string): boolean {
    return this.all().has(name);
  }

  /** The names of the enabled grant types, built-in first. */
  enabledNames(): string[] {
    return [...this.all().keys()].filter((name) => this.get(name) !== undefined);
  }

  /** Every parameter some grant type reads: none of them may be repeated (RFC 6749 §3.2). */
  parameterNames(): readonly string[] {
    this.all();
    return this.parameters;
  }

  private all(): ReadonlyMap<string, GrantType> {
    if (this.grants !== null) return this.grants;
    this.password.checkVerifier();
    const builtIn: GrantType[] = [
      this.builtIn,
      this.clientCredentials,
      this.password,
      this.refresh,
    ];
    const grants = new Map<string, GrantType>();
    for (const grant of [...builtIn, ...this.discovered(builtIn)]) {
      checkShape(grant);
      if (grants.has(grant.grantType)) {
        throw new OAuthistConfigurationError(
          'grant types',
          `two providers serve the grant type ${grant.grantType}`,
        );
      }
      grants.set(grant.grantType, grant);
    }
    const parameters = new Set(SHARED_PARAMETERS);
    for (const grant of grants.values()) for (const name of grant.parameters) parameters.add(name);
    this.parameters = [...parameters];
    this.grants = grants;
    return grants;
  }

  private discovered(builtIn: readonly GrantType[]): GrantType[] {
    const providers = this.discovery.getProviders();
    const home = providers.find((wrapper) => wrapper.instance === this)?.host;
    const found = new Set<GrantType>();
    for (const wrapper of providers) {
      // A class provider carries the mark; a value or factory provider's instance does.
      const types = [wrapper.metatype, (wrapper.instance as object | undefined)?.constructor];
      const marked = types.some(
        (type) => type && this.reflector.get<boolean | undefined>(GRANT_TYPE_METADATA, type),
      );
      if (!marked) continue;
      // Another oauthist of the same application serves its own grants, not this one's.
      if (home && !servedBy(wrapper, home)) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        throw new OAuthistConfigurationError(
          'grant types',
          `${wrapper.name} is request-scoped or depends on a request-scoped provider; a grant type is a singleton`,
        );
      }
      const grant = wrapper.instance as GrantType;
      // A module imported twice shares its instances: each grant counts once.
      if (!builtIn.includes(grant)) found.add(grant);
    }
    return [...found];
  }
}

/** Whether a grant provider belongs to the oauthist module `home`: declared beside it or by a module that imports it. */
function servedBy(wrapper: InstanceWrapper, home: NonNullable<InstanceWrapper['host']>): boolean {
  const host = wrapper.host;
  return host === undefined || host === home || home.isGlobal || host.imports.has(home);
}

/** Refuses at start-up a grant type that could not serve a request. */
function checkShape(grant: GrantType): void {
  const refuse = (problem: string): never => {
    throw new OAuthistConfigurationError(
      'grant types',
      `${JSON.stringify(grant.grantType)} of ${grant.constructor.name} ${problem}`,
    );
  };
  if (typeof grant.grantType !== 'string' || !GRANT_NAME.test(grant.grantType))
    refuse('is not a grant type name (RFC 6749 §4.5)');
  if (!Array.isArray(grant.clientTypes) || !Array.isArray(grant.parameters))
    refuse('must list its clientTypes and parameters');
  if (typeof grant.issue !== 'function') refuse('has no issue() method');
  const undeclared = grant.requiredParameters?.find((name) => !grant.parameters.includes(name));
  if (undeclared !== undefined) refuse(`requires ${undeclared}, which is not among its parameters`);
}
