import type { Response } from 'express';
import type { UserGrant } from '../../lib';
import { escapeHtml, scopeList, sendPage } from './html-page';

function day(date: Date): string {
  return `<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function connectedApp(grant: UserGrant, csrf: string): string {
  const name = grant.client?.attributes.name ?? grant.clientId;
  const scopes = scopeList(grant.scopes);
  return `<li class="app">
  <h2>${escapeHtml(name)}</h2>
  ${scopes}
  <p>Allowed ${day(grant.grantedAt)}; last token ${day(grant.lastIssuedAt)}.</p>
  <form method="post" action="/account/apps/revoke">
    <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
    <input type="hidden" name="client_id" value="${escapeHtml(grant.clientId)}">
    <button type="submit">Revoke</button>
  </form>
</li>`;
}

/**
 * The signed-in user's connected applications: each client they granted access to, by name,
 * with its scopes and dates, and a `Revoke` button that takes back everything they gave it.
 */
export function sendAccountAppsPage(
  res: Response,
  user: string,
  grants: readonly UserGrant[],
  csrf: string,
): void {
  const list = grants.length
    ? `<ul class="apps">${grants.map((grant) => connectedApp(grant, csrf)).join('\n')}</ul>`
    : '<p>No application has access to your account.</p>';
  sendPage(
    res,
    200,
    'Connected applications',
    `<h1>Applications with access to your account</h1>
<p>Signed in as <strong>${escapeHtml(user)}</strong>.</p>
${list}
<p><a href="/">Home</a></p>`,
  );
}
