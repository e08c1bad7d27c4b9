import type { Response } from 'express';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #1d2433; }
  h1 { font-size: 1.4rem; }
  label { display: block; margin: .8rem 0 .2rem; }
  input { width: 100%; padding: .5rem; box-sizing: border-box; }
  button { margin-top: 1rem; padding: .5rem 1.2rem; margin-right: .5rem; }
  .error { color: #a01919; }
  ul.scopes li { margin: .2rem 0; }
  code { background: #eef; padding: 0 .2rem; }
`;

/**
 * Sends a small server-rendered page. Nothing may frame it (clickjacking, RFC 9700 §4.16), it
 * loads nothing from elsewhere, and it sends no Referer, so that request ids never leak.
 */
export function sendPage(res: Response, status: number, title: string, body: string): void {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · oauthist sample</title><style>${STYLE}</style></head>
<body>
${body}
</body>
</html>
`);
}

/** What a form without its session's CSRF token gets: 403, and `advice` on what to do next. */
export function sendFormExpiredPage(res: Response, advice: string): void {
  sendPage(res, 403, 'Forbidden', `<h1>The form expired</h1><p>${advice}</p>`);
}

/** The scopes a client asks for or was granted, as a list; none said in words. */
export function scopeList(scopes: readonly string[]): string {
  return scopes.length
    ? `<ul class="scopes">${scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
    : '<p>No particular scope: basic access to your account.</p>';
}
