/**
 * A browser-like HTTP client for tests: keeps cookies per origin host and can follow redirects one
 * hop at a time, so a test can see (and tamper with) every step of a launch.
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

export interface Hop {
  url: string;
  status: number;
  location: string | null;
  body: string;
  headers: Headers;
}

export class TestClient {
  private cookies: StoredCookie[] = [];

  /** Drops all cookies: a browser that blocks (or lost) them. */
  clearCookies(): void {
    this.cookies = [];
  }

  cookieHeader(url: string): string {
    const u = new URL(url);
    return this.cookies
      .filter((c) => c.host === u.host && u.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  cookieNames(url: string): string[] {
    const u = new URL(url);
    return this.cookies.filter((c) => c.host === u.host).map((c) => c.name);
  }

  private remember(url: string, headers: Headers): void {
    const u = new URL(url);
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let cookiePath = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v] = attr.trim().split('=');
        if (k!.toLowerCase() === 'path' && v) cookiePath = v;
        if (k!.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k!.toLowerCase() === 'expires' && v && Date.parse(v) < Date.now()) expired = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.host === u.host && c.path === cookiePath));
      if (!expired) this.cookies.push({ name, value, host: u.host, path: cookiePath });
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Hop> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.remember(url, res.headers);
    const location = res.headers.get('location');
    return { url, status: res.status, location: location ? new URL(location, url).toString() : null, body: await res.text(), headers: res.headers };
  }

  /** Follows redirects (GET after any 30x) until a non-redirect answer or `maxHops`; returns every hop. */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}, maxHops = 15): Promise<Hop[]> {
    const hops: Hop[] = [];
    let hop = await this.request(url, init);
    hops.push(hop);
    while (hop.location && hop.status >= 300 && hop.status < 400 && hops.length < maxHops) {
      hop = await this.request(hop.location);
      hops.push(hop);
    }
    return hops;
  }
}
