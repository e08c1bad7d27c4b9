/**
 * A user agent without a browser, for the sample's sign-in and consent pages: it keeps the
 * session cookie and submits forms the way a browser does.
 */

/** A page the server answered with, after its redirects within the server were followed. */
export interface Page {
  readonly url: string;
  readonly status: number;
  readonly html: string;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

function unescapeHtml(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity]);
}

function attributeOf(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : unescapeHtml(value);
}

export function isRedirect(status: number): boolean {
  return [301, 302, 303, 307, 308].includes(status);
}

/**
 * A user agent without a browser: carries the session cookie itself and submits forms the way
 * a browser does (hidden inputs, the typed fields, and the clicked button's name and value).
 */
export class FormUserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set(
        'Cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      if (value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** GETs `url`, following redirects as long as they stay on the sample. */
  async open(url: string): Promise<Page> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.request(current);
      if (!isRedirect(response.status)) {
        return { url: current, status: response.status, html: await response.text() };
      }
      current = new URL(response.headers.get('location') ?? '', current).toString();
      if (!current.startsWith(`${this.base}/`)) {
        throw new Error(`redirected away from the sample, to ${current}`);
      }
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  /**
   * GETs `url` and follows redirects within the sample until one leaves it, as when the
   * sample answers without a page: the location outside. A page on the way is an error.
   */
  async leaveFrom(url: string): Promise<string> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.request(current);
      if (!isRedirect(response.status)) {
        throw new Error(`stayed on the sample: ${response.status} at ${current}`);
      }
      current = new URL(response.headers.get('location') ?? '', current).toString();
      if (!current.startsWith(`${this.base}/`)) return current;
    }
    throw new Error(`more than 10 redirects from ${url}`);
  }

  /** Submits the page's form; `button` is the label of the submit button clicked, if named. */
  async submit(page: Page, fields: Record<string, string>, button?: string): Promise<Response> {
    const form = /<form\b[^>]*>/.exec(page.html)?.[0];
    if (form === undefined) throw new Error(`no form on ${page.url}`);
    expect(attributeOf(form, 'method')?.toLowerCase()).toBe('post');
    const body = new URLSearchParams();
    for (const input of page.html.match(/<input\b[^>]*>/g) ?? []) {
      const name = attributeOf(input, 'name');
      if (attributeOf(input, 'type') === 'hidden' && name !== undefined) {
        body.append(name, attributeOf(input, 'value') ?? '');
      }
    }
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    if (button !== undefined) {
      const tag = new RegExp(`<button\\b([^>]*)>\\s*${button}\\s*</button>`).exec(page.html)?.[1];
      if (tag === undefined) throw new Error(`no button labelled ${button} on ${page.url}`);
      const name = attributeOf(tag, 'name');
      if (name !== undefined) body.append(name, attributeOf(tag, 'value') ?? '');
    }
    return this.request(new URL(attributeOf(form, 'action') ?? page.url, page.url).toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}

export function hiddenInput(page: Page, name: string): string | undefined {
  const tag = (page.html.match(/<input\b[^>]*>/g) ?? []).find(
    (input) => attributeOf(input, 'name') === name,
  );
  return tag === undefined ? undefined : attributeOf(tag, 'value');
}
