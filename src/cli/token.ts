/**
 * `npm run token -- --role coordinator --centers lima-norte [--sub ana] [--ttl 12h]`
 * prints a JWT signed with JWT_SECRET (or the embedded development secret). `--centers '*'`
 * covers every center (SSCS); several centers separate with commas. A participating entity's
 * contact also needs `--entity reniec`.
 */
import { parseArgs } from 'node:util';
import { getConfig } from '../config';
import { signToken } from '../api/auth';
import { ROLES, type Role } from '../shared/roles';

const usage = `usage: npm run token -- --role <${ROLES.join('|')}> --centers <id[,id…]|*> [--entity <id> (participant_entity)] [--sub <user>] [--ttl 12h]`;

function main(): void {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, centers: { type: 'string' }, entity: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
  });
  if (!values.role || !ROLES.includes(values.role as Role) || !values.centers || (values.role === 'participant_entity' && !values.entity)) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  const centers = values.centers === '*' ? '*' : values.centers.split(',').map((c) => c.trim()).filter(Boolean);
  if (values.entity !== undefined && !/^[a-z0-9-]+$/.test(values.entity)) {
    process.stderr.write(`--entity must be an entity id such as reniec\n${usage}\n`);
    process.exit(2);
  }
  const token = signToken(getConfig().jwtSecret, { sub: values.sub ?? `${values.role}-dev`, role: values.role as Role, centers, ...(values.entity ? { entity: values.entity } : {}) }, values.ttl as never);
  process.stdout.write(`${token}\n`);
}

main();
