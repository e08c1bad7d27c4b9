/**
 * Why a Client ID Metadata Document could not be read, in words fit for the client's developer:
 * the caller puts it after "the client metadata document at URL ...". Never holds a stack or
 * an address the document's host resolved to.
 */
export class MetadataDocumentError extends Error {
  constructor(
    /** Which step failed: the URL itself, the fetch, or the document's content. */
    readonly stage: 'url' | 'fetch' | 'content',
    reason: string,
  ) {
    super(reason);
    this.name = 'MetadataDocumentError';
  }
}
