import type { Response } from 'express';
import type { PendingAuthorization } from '../../lib';
import { escapeHtml, scopeList, sendPage } from './html-page';

/**
 * The consent page: names the client (and the host of its metadata document, if it has one),
 * the scopes and, when the request named any, the resources the token will be good for
 * (RFC 8707), with `Allow` and `Deny`.
 */
export function sendConsentPage(
  res: Response,
  pending: PendingAuthorization,
  user: string,
  csrf: string,
): void {
  const client = pending.client.attributes.name ?? pending.client.id;
  const scopes = scopeList(pending.scopes);
  // A metadata document's name is whatever its author wrote: its host is what the user can check.
  const host = pending.clientMetadataHost;
  const origin =
    host === undefined
      ? ''
      : `<p class="client-host">Client metadata from <strong>${escapeHtml(host)}</strong></p>\n`;
  const resources = pending.resources.length
    ? `<p>Only at:</p><ul class="resources">${pending.resources.map((resource) => `<li><code>${escapeHtml(resource)}</code></li>`).join('')}</ul>`
    : '';
  sendPage(
    res,
    200,
    'Allow access?',
    `<h1>Allow <strong>${escapeHtml(client)}</strong> to access your account?</h1>
${origin}<p>Signed in as <strong>${escapeHtml(user)}</strong>. It asks for:</p>
${scopes}
${resources}
<form method="post" action="/consent">
  <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
  <input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** What the user sees when the request cannot be answered any more (expired, answered, unknown). */
export function sendGonePage(res: Response): void {
  sendPage(
    res,
    400,
    'Request expired',
    '<h1>This authorization request expired or was already answered</h1><p>Go back to the application and start again.</p>',
  );
}
