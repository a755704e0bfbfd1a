import bcrypt from 'bcryptjs';
import type { Models } from '../db/models';
import { ROLE_TITLES, SSCS_FUNCTION_IDS, type Actor, type Role } from '../shared/roles';
import { claimsSchema } from '../api/auth';

/**
 * People who sign in to the web pages. A user is the claims an API token carries (role, centers,
 * entity, SSCS functions) plus a bcrypt hash of the password (bcryptjs, cost 10). In production
 * the institution creates them (or signs people in with its own tokens: README "Web pages").
 */

const COST = 10;

/** The password of every demo user: printed by `npm start`, seeded only by the embedded default. */
export const DEMO_PASSWORD = 'mac-demo-2026';

/** The demo user name of a role at a center, e.g. `coordinador.lima-norte`. */
const ROLE_LOGINS: Record<Exclude<Role, 'sscs' | 'participant_entity'>, string> = {
  coordinator: 'coordinador',
  supervisor: 'supervisor',
  tic_specialist: 'tic',
  orientador: 'orientador',
  mac_express_advisor: 'asesor-express',
  admin_entity: 'administradora',
};

export interface DemoUser extends Actor {
  _id: string;
  name: string;
}

/**
 * One user per role and center (and per participating entity of each center, whose contact sees
 * only that entity's work), plus SSCS over every center holding every supervision function.
 */
export async function demoUsers(models: Models): Promise<DemoUser[]> {
  const centers = await models.Center.find({}, { _id: 1, name: 1, participatingEntities: 1 }).sort({ _id: 1 }).lean();
  const users: DemoUser[] = [{ _id: 'sscs', name: 'SSCS (demo)', sub: 'sscs', role: 'sscs', centers: '*', functions: [...SSCS_FUNCTION_IDS] }];
  for (const c of centers) {
    for (const [role, login] of Object.entries(ROLE_LOGINS) as [Role, string][]) {
      const id = `${login}.${c._id}`;
      users.push({ _id: id, name: `${ROLE_TITLES[role]} — ${c.name} (demo)`, sub: id, role, centers: [c._id] });
    }
    for (const e of c.participatingEntities ?? []) {
      const id = `${e.id}.${c._id}`;
      users.push({ _id: id, name: `${e.name} — ${c.name} (demo)`, sub: id, role: 'participant_entity', centers: [c._id], entity: e.id });
    }
  }
  return users;
}

/** Seeds the demo users that do not exist yet (a changed password is kept). Returns them all. */
export async function seedDemoUsers(models: Models, only?: (u: DemoUser) => boolean): Promise<DemoUser[]> {
  const users = (await demoUsers(models)).filter((u) => !only || only(u));
  const existing = new Set((await models.User.find({ _id: { $in: users.map((u) => u._id) } }, { _id: 1 }).lean()).map((u) => u._id));
  for (const u of users.filter((x) => !existing.has(x._id))) {
    const { _id, name, ...claims } = u;
    await models.User.updateOne(
      { _id },
      { $setOnInsert: { name, ...claimsSchema.parse(claims), passwordHash: await bcrypt.hash(DEMO_PASSWORD, COST), createdAt: new Date() } },
      { upsert: true },
    );
  }
  return users;
}

/** Adds or replaces a user (the `npm run user` command). */
export async function saveUser(models: Models, user: Actor & { name: string; password: string }): Promise<void> {
  const { name, password, ...claims } = user;
  const parsed = claimsSchema.parse(claims);
  await models.User.replaceOne(
    { _id: parsed.sub },
    { _id: parsed.sub, name, ...parsed, passwordHash: await bcrypt.hash(password, COST), createdAt: new Date() },
    { upsert: true },
  );
}

/** A dummy hash compared against when the user does not exist, so both cases take the same time. */
const NOBODY = bcrypt.hashSync('nobody', COST);

/** The user's claims when the password matches; undefined otherwise (whichever part was wrong). */
export async function authenticate(models: Models, username: string, password: string): Promise<{ actor: Actor; name: string } | undefined> {
  const user = await models.User.findById(username.trim().toLowerCase()).lean();
  const ok = await bcrypt.compare(password, user?.passwordHash ?? NOBODY);
  if (!user || !ok) return undefined;
  const claims = claimsSchema.safeParse({ sub: user._id, role: user.role, centers: user.centers, entity: user.entity ?? undefined, functions: user.functions?.length ? user.functions : undefined });
  return claims.success ? { actor: claims.data, name: user.name } : undefined;
}

/** What `npm start` prints: who can sign in, grouped by center. */
export function describeDemoUsers(users: DemoUser[]): string[] {
  const byCenter = new Map<string, string[]>();
  for (const u of users) {
    const key = u.centers === '*' ? 'todos los centros' : u.centers.join(',');
    byCenter.set(key, [...(byCenter.get(key) ?? []), u._id]);
  }
  return [...byCenter].map(([center, ids]) => `    ${center.padEnd(18)} ${ids.join('  ')}`);
}
