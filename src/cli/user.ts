/**
 * `npm run user -- --username ana.perez --name "Ana Pérez" --role coordinator --centers lima-norte`
 * adds (or replaces) a person who signs in to the web pages, against MONGODB_URI. The password is
 * read from the environment variable USER_PASSWORD (never from the command line, which shells
 * keep in their history). The claims are those of `npm run token`: `--entity` for a participating
 * entity's contact, `--functions` for an SSCS member.
 */
import { parseArgs } from 'node:util';
import { getConfig } from '../config';
import { connectModels } from '../db/models';
import { ROLES, SSCS_FUNCTION_IDS, type Role, type SscsFunction } from '../shared/roles';
import { saveUser } from '../web/users';

const usage = `usage: USER_PASSWORD=… MONGODB_URI=… npm run user -- --username <id> --name <full name> --role <${ROLES.join('|')}> --centers <id[,id…]|*> [--entity <id>] [--functions <${SSCS_FUNCTION_IDS.join('|')},…>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, centers: { type: 'string' }, entity: { type: 'string' }, functions: { type: 'string' } },
  });
  const config = getConfig();
  const password = process.env.USER_PASSWORD ?? '';
  if (!values.username || !values.name || !values.role || !ROLES.includes(values.role as Role) || !values.centers || password.length < 12 || !config.MONGODB_URI) {
    process.stderr.write(`${usage}\n(USER_PASSWORD of at least 12 characters; MONGODB_URI of the running store)\n`);
    process.exit(2);
  }
  const models = await connectModels(config.MONGODB_URI);
  try {
    await saveUser(models, {
      sub: values.username.trim().toLowerCase(),
      name: values.name,
      password,
      role: values.role as Role,
      centers: values.centers === '*' ? '*' : values.centers.split(',').map((c) => c.trim()).filter(Boolean),
      ...(values.entity ? { entity: values.entity } : {}),
      ...(values.functions ? { functions: values.functions.split(',').map((f) => f.trim()) as SscsFunction[] } : {}),
    });
    process.stdout.write(`user ${values.username} saved\n`);
  } finally {
    await models.connection.close();
  }
}

main().catch((err) => {
  process.stderr.write(`npm run user failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
