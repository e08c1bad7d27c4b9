import type { Response } from 'express';
import { escapeHtml, sendPage } from './html-page';

/** The sign-in form: inputs `username` and `password`, a button `Sign in`. */
export function sendLoginPage(
  res: Response,
  options: { csrf: string; returnTo: string; error?: string; username?: string },
  status = 200,
): void {
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : '';
  sendPage(
    res,
    status,
    'Sign in',
    `<h1>Sign in</h1>
${error}
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${escapeHtml(options.csrf)}">
  <input type="hidden" name="return_to" value="${escapeHtml(options.returnTo)}">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username ?? '')}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>`,
  );
}
