import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const baseURL = () => inject('baseURL');
const artifacts = path.resolve(import.meta.dirname, 'artifacts');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Debian's Chromium with a throwaway profile (--user-data-dir via a persistent context); never a download.
 * `serviceWorkers: 'block'` for a test that intercepts the app's own files: the service worker would otherwise
 * answer them from its cache, where a page route never sees them.
 */
export async function launch(opts: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'pt-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL: baseURL(),
    viewport: { width: 1280, height: 900 },
    serviceWorkers: opts.serviceWorkers ?? 'allow',
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh page with no session (cookies and storage of earlier tests cleared). */
export async function freshPage(context: BrowserContext): Promise<Page> {
  await context.clearCookies();
  for (const p of context.pages()) await p.close();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

let counter = 0;
export function newUser(name = 'Test User') {
  counter += 1;
  return {
    name,
    email: `e2e-${Date.now().toString(36)}-${process.pid}-${counter}@example.com`,
    password: 'a perfectly fine passphrase',
  };
}

export async function register(page: Page, user = newUser()) {
  await page.goto('/register');
  await page.getByLabel('Name', { exact: true }).fill(user.name);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
  return user;
}

export async function login(page: Page, user: { email: string; password: string }) {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Calls the API from inside the page, as the app does (cookies + CSRF header). */
export async function apiFromPage<T = unknown>(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Record<string, string> }> {
  return page.evaluate(
    async ({ method, url, body, headers }) => {
      const csrf = /(?:^|;\s*)csrf_token=([^;]+)/.exec(document.cookie)?.[1];
      const res = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
        headers: Object.fromEntries(res.headers.entries()),
      };
    },
    { method, url, body, headers },
  );
}

export async function createTaskViaApi(page: Page, task: Record<string, unknown>) {
  const res = await apiFromPage<{ data: { id: string; version: number } }>(page, 'POST', '/api/v1/tasks', task);
  if (res.status !== 201) throw new Error(`create task: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The newest link to `path` in the mails sent to `to` (embedded mode writes them to DATA_DIR/outbox). */
export async function mailLink(to: string, linkPath: string, timeoutMs = 15_000): Promise<string> {
  const { readdir, readFile } = await import('node:fs/promises');
  const outbox = path.join(inject('dataDir'), 'outbox');
  const deadline = Date.now() + timeoutMs;
  const re = new RegExp(`https?://[^\\s"<]+${linkPath.replace(/[/]/g, '\\/')}\\?token=[A-Za-z0-9_-]+`);
  while (Date.now() < deadline) {
    const files = (await readdir(outbox).catch(() => [] as string[])).sort().reverse();
    for (const f of files) {
      const mail = JSON.parse(await readFile(path.join(outbox, f), 'utf8')) as { to: string; text: string };
      if (mail.to !== to) continue;
      const m = re.exec(mail.text);
      if (m) return new URL(m[0]).pathname + new URL(m[0]).search;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${linkPath} mail for ${to}`);
}
