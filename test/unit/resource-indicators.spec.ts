import { OAuthError, OAuthistConfigurationError } from '../../lib';
import { RequestParameters } from '../../lib/protocol/request-parameters';
import { audienceOf, requestedResources } from '../../lib/resources/requested-resources';
import { isResourceIdentifier, ResourceIndicators } from '../../lib/resources/resource-indicators';

const MCP = 'https://api.example.com/mcp';
const API = 'https://api.example.com/api';

function indicators(defaults?: string[]): ResourceIndicators {
  const resolved = ResourceIndicators.resolve([MCP, API], defaults);
  if (resolved === null) throw new Error('no resources');
  return resolved;
}

function refusal(run: () => unknown): OAuthError {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('nothing was refused');
}

describe('ResourceIndicators.resolve (the resources and defaultResources options)', () => {
  it('is null when no resource is configured', () => {
    expect(ResourceIndicators.resolve(undefined, undefined)).toBeNull();
  });

  it.each([
    ['not an array', 'https://a.example/'],
    ['empty', []],
    ['a relative reference', ['/mcp']],
    ['a fragment (RFC 8707 §2)', ['https://a.example/#x']],
    ['not a string', [42]],
  ])('refuses resources that are %s', (_case, resources) => {
    expect(() => ResourceIndicators.resolve(resources, undefined)).toThrow(
      OAuthistConfigurationError,
    );
  });

  it('refuses defaultResources outside resources, or without them', () => {
    expect(() => ResourceIndicators.resolve([MCP], ['https://other.example/'])).toThrow(
      /defaultResources/,
    );
    expect(() => ResourceIndicators.resolve(undefined, [MCP])).toThrow(/defaultResources/);
  });

  it('accepts absolute URIs of any scheme, with a query (RFC 8707 §2 says SHOULD NOT only)', () => {
    expect(
      ResourceIndicators.resolve(['urn:example:api', 'https://a.example/?v=1'], undefined),
    ).not.toBeNull();
  });
});

describe('resources named by a path under the issuer', () => {
  it('are the issuer followed by the path, in resources and defaultResources alike', () => {
    const resolved = ResourceIndicators.resolve(['/mcp', API], ['/mcp'], 'https://as.example/');
    expect(resolved?.identifiers).toEqual(['https://as.example/mcp', API]);
    expect(resolved?.defaults).toEqual(['https://as.example/mcp']);
    expect(resolved?.identifierOf('/mcp')).toBe('https://as.example/mcp');
    expect(resolved?.identifierOf(API)).toBe(API);
  });

  it('need the issuer option', () => {
    expect(() => ResourceIndicators.resolve(['/mcp'], undefined, null)).toThrow(
      /a path, which needs the issuer option/,
    );
  });
});

/** What the request's `resource` parameters ask for, on a server serving `resources`. */
function requested(resources: ResourceIndicators, values: string[]): readonly string[] {
  return audienceOf(
    requestedResources(
      RequestParameters.fromRequest({ method: 'POST', body: { resource: values } }),
      resources,
    ),
    resources,
  );
}

describe('the resources a request asks for (RFC 8707 §2)', () => {
  it('gives the resources asked for, each once, in the order sent', () => {
    expect(requested(indicators(), [API, MCP, API])).toEqual([API, MCP]);
  });

  it('gives the defaults when none is asked for, and none without defaults', () => {
    expect(requested(indicators([MCP]), [])).toEqual([MCP]);
    expect(requested(indicators(), [])).toEqual([]);
  });

  it('refuses a resource the server does not serve with invalid_target', () => {
    const error = refusal(() => requested(indicators(), [MCP, 'https://evil.example/']));
    expect(error.error).toBe('invalid_target');
    expect(error.description).toBe(
      'resource https://evil.example/ is not served by this authorization server (RFC 8707 section 2)',
    );
  });

  it('refuses what is no absolute URI with invalid_target, without echoing it', () => {
    const error = refusal(() => requested(indicators(), ['mcp#frag']));
    expect(error.error).toBe('invalid_target');
    expect(error.description).toBe(
      'resource must be an absolute URI without a fragment (RFC 8707 section 2)',
    );
  });
});

describe('the stored form of an audience', () => {
  it('is eight characters per resource, whatever the length of its URI', () => {
    const stored = indicators().encode([MCP, API]);
    expect(stored).toMatch(/^[\w-]{8} [\w-]{8}$/);
  });

  it('reads back to the identifiers', () => {
    const resources = indicators();
    expect(resources.decode(resources.encode([API, MCP]))).toEqual([API, MCP]);
    expect(resources.decode('')).toEqual([]);
  });

  it('drops a resource the server no longer serves', () => {
    const before = indicators();
    const after = ResourceIndicators.resolve([API], undefined) as ResourceIndicators;
    expect(after.decode(before.encode([MCP, API]))).toEqual([API]);
    expect(after.decode(before.encode([MCP]))).toEqual([]);
  });
});

describe('isResourceIdentifier', () => {
  it.each([
    [MCP, true],
    ['urn:ietf:example', true],
    ['mcp', false],
    ['//api.example.com', false],
    ['https://a.example/#', false],
  ])('%s: %s', (value, expected) => {
    expect(isResourceIdentifier(value)).toBe(expected);
  });
});
