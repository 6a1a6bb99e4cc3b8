// The console suites' shared browser set-up: Debian's headless Chromium driven by playwright-core,
// the console bundle built when it is older than its sources, sign-in as a demo user, full-page
// screenshots in test-results/, and `expectAccessible`, which runs axe-core's WCAG 2 A and AA
// rules on the page as it is and fails naming every violation (rule, impact, target selectors).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = new URL('../..', import.meta.url).pathname;
export const RESULTS = join(ROOT, 'test-results');

/** Why the browser suites cannot run here, or undefined. Under CI=true a missing browser is an error. */
export function browserSkip(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`CI=true: the browser suites are mandatory, but ${reason}`);
  console.log(`# skipping a console browser suite: ${reason}`);
  return reason;
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

const CONSOLE_DIR = join(ROOT, 'dist/console');
const BUILD_LOCK = join(ROOT, 'dist/.console-build.lock');

function consoleFresh(): boolean {
  const index = join(CONSOLE_DIR, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'console/src'));
}

/**
 * Builds the console bundle when it is missing or older than its sources (the pages change often).
 * Suites run side by side in one work tree, each serving dist/console from its own server: one
 * build at a time (a lock directory), written beside dist/console and swapped in by renames, so a
 * suite's page never meets a half-emptied directory.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (consoleFresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock left by a killed build is stale after ten minutes (it may also be gone already).
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 600_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (consoleFresh()) return;
    const next = `${CONSOLE_DIR}.next-${process.pid}`;
    const r = spawnSync(
      'npx',
      [
        'vite',
        'build',
        '--config',
        'console/vite.config.ts',
        '--logLevel',
        'warn',
        '--outDir',
        next,
        '--emptyOutDir',
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`building the console failed (exit ${r.status})`);
    const old = `${CONSOLE_DIR}.old-${process.pid}`;
    if (existsSync(CONSOLE_DIR)) renameSync(CONSOLE_DIR, old);
    renameSync(next, CONSOLE_DIR);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * Starts headless Chromium, after making sure the console is built and test-results/ exists. Call
 * it before starting the test server: the server serves the console only if it finds it built.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(RESULTS, { recursive: true });
  await ensureConsoleBuilt();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  locale?: string;
  /** Default timeout of the page's actions, in milliseconds. */
  timeout?: number;
  /** Uncaught page errors are pushed here (the suites assert it stays empty). */
  errors?: string[];
  /** Also collect console errors, except those matching this (refused requests a test provokes). */
  consoleErrorsExcept?: RegExp;
}

/** A page in a fresh browser context (its own cookies). */
export async function openPage(browser: Browser, opts: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1366, height: 900 },
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(opts.timeout ?? 30_000);
  const errors = opts.errors;
  if (errors) {
    page.on('pageerror', (e) => errors.push(e.message));
    const except = opts.consoleErrorsExcept;
    if (except)
      page.on('console', (m) => {
        if (m.type() === 'error' && !except.test(m.text())) errors.push(m.text());
      });
  }
  return page;
}

/** The demo password of a demo user, from the test server's seeded credentials. */
export function demoPassword(server: { creds: { username: string; password: string }[] }, username: string) {
  const c = server.creds.find((x) => x.username === username);
  assert.ok(c, `demo credentials of ${username}`);
  return c.password;
}

/**
 * Fills the console's sign-in form as a person does. With `path`, first opens that page (the
 * console shows the form there); with `heading`, waits for that heading of the page signed into,
 * otherwise for the signed-in user's name in the top bar.
 */
export async function signIn(
  page: Page,
  username: string,
  password: string,
  opts: { base?: string; path?: string; heading?: string } = {},
): Promise<void> {
  if (opts.path !== undefined) await page.goto(`${opts.base ?? ''}${opts.path}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (opts.heading) await page.getByRole('heading', { name: opts.heading }).waitFor();
  else await page.getByTestId('session-user').waitFor();
}

/** A full-page screenshot at test-results/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now and fails listing each
 * violation with its rule id, impact, help and the selectors of (up to 8 of) its nodes.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  // The console's CSP forbids inline scripts, but evaluate() runs in the page's own world unhindered.
  if (!loaded) await page.evaluate(axe.source);
  const violations = (await page.evaluate(async () => {
    const a = (globalThis as unknown as { axe: typeof axe }).axe;
    const r = await a.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  })) as AxeViolation[];
  if (violations.length === 0) return;
  const lines = violations.map((v) => {
    const targets = v.nodes
      .slice(0, 8)
      .map((n) => `    ${n.target.map(String).join(' ')}`)
      .join('\n');
    const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
    // The first node's summary says why (for contrast: the two colours and the ratio).
    const why = (v.nodes[0]?.failureSummary ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
    return `  ${v.id} (${v.impact ?? 'n/a'}, ${v.nodes.length} node(s)): ${v.help}\n${targets}${more}\n    why: ${why}`;
  });
  assert.fail(`axe-core found ${violations.length} WCAG A/AA violation(s) on ${label}:\n${lines.join('\n')}`);
}
