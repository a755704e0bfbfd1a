import supertest from 'supertest';
import { DEMO_PASSWORD, seedDemoUsers } from '../../src/web/users';
import type { Stack } from './stack';

/**
 * The web pages driven over HTTP the way a browser does: an agent of its own (its own cookies),
 * the CSRF token read from the page's form, the demo users of src/web/users.ts.
 */
export function webAgent(stack: Stack): supertest.Agent {
  return supertest.agent(stack.url).redirects(0);
}

/** The CSRF token of the first form of a page (and the agent keeps the cookie it goes with). */
export async function csrfOf(agent: supertest.Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF token in ${path} (status ${res.status})`);
  return token;
}

/** Seeds the demo users once per stack (their bcrypt hashes take a moment). */
const seeded = new WeakSet<Stack>();
export async function ensureDemoUsers(stack: Stack): Promise<void> {
  if (seeded.has(stack)) return;
  await seedDemoUsers(stack.models);
  seeded.add(stack);
}

/** Signs an agent in as a demo user (e.g. `coordinador.callao`, `sscs`, `reniec.lima-norte`). */
export async function signIn(stack: Stack, username: string): Promise<supertest.Agent> {
  await ensureDemoUsers(stack);
  const agent = webAgent(stack);
  const _csrf = await csrfOf(agent, '/app/ingresar');
  const res = await agent.post('/app/ingresar').type('form').send({ _csrf, username, password: DEMO_PASSWORD, next: '/app' });
  if (res.status !== 303) throw new Error(`sign-in of ${username} answered ${res.status}: ${res.text.slice(0, 300)}`);
  return agent;
}
