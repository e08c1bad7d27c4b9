/** The sample's settings (`SampleConfig`). */
export const SAMPLE_CONFIG = Symbol('SAMPLE_CONFIG');

/** The sample's Redis connection, shared with oauthist. */
export const SAMPLE_REDIS = Symbol('SAMPLE_REDIS');
