import { clientTypeFromMetadata } from '../../lib/clients/client-metadata';
import { OAuthError } from '../../lib/errors';

describe('clientTypeFromMetadata (RFC 7591 §2)', () => {
  it('defaults to a confidential web client, as client_secret_basic is the default method', () => {
    expect(clientTypeFromMetadata({})).toBe('web');
  });

  it.each([
    ['client_secret_basic', undefined, 'web'],
    ['client_secret_post', 'web', 'web'],
    ['client_secret_post', 'native', 'web'],
    ['none', undefined, 'user-agent'],
    ['none', 'web', 'user-agent'],
    ['none', 'native', 'native'],
  ])('reads %s with application_type %s as %s', (method, application, type) => {
    expect(
      clientTypeFromMetadata({ token_endpoint_auth_method: method, application_type: application }),
    ).toBe(type);
  });

  it.each(['private_key_jwt', 'tls_client_auth', 42])(
    'refuses token_endpoint_auth_method %p with invalid_client_metadata',
    (method) => {
      const read = (): unknown => clientTypeFromMetadata({ token_endpoint_auth_method: method });
      expect(read).toThrow(OAuthError);
      expect(read).toThrow(/token_endpoint_auth_method must be one of/);
      try {
        read();
      } catch (error) {
        expect((error as OAuthError).error).toBe('invalid_client_metadata');
      }
    },
  );

  it('refuses an application_type other than web or native', () => {
    expect(() => clientTypeFromMetadata({ application_type: 'desktop' })).toThrow(
      /application_type must be 'web' or 'native'/,
    );
  });
});
