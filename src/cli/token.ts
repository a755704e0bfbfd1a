/**
 * `npm run token -- --role coordinator --centers lima-norte [--sub ana] [--ttl 12h]`
 * prints a JWT signed with JWT_SECRET (or the embedded development secret). `--centers '*'`
 * covers every center (SSCS); several centers separate with commas. A participating entity's
 * contact also needs `--entity reniec`; an SSCS member's supervision functions go in
 * `--functions subsecretario,supervision_lead` (SSCS_FUNCTIONS).
 */
import { parseArgs } from 'node:util';
import { getConfig } from '../config';
import { signToken } from '../api/auth';
import { ROLES, SSCS_FUNCTION_IDS, type Role, type SscsFunction } from '../shared/roles';

const usage = `usage: npm run token -- --role <${ROLES.join('|')}> --centers <id[,id…]|*> [--entity <id> (participant_entity)] [--functions <${SSCS_FUNCTION_IDS.join('|')},…> (sscs)] [--sub <user>] [--ttl 12h]`;

function main(): void {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, centers: { type: 'string' }, entity: { type: 'string' }, functions: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
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
  const functions = values.functions?.split(',').map((f) => f.trim()).filter(Boolean) as SscsFunction[] | undefined;
  if (functions && (values.role !== 'sscs' || functions.some((f) => !SSCS_FUNCTION_IDS.includes(f)))) {
    process.stderr.write(`--functions is for --role sscs, each one of ${SSCS_FUNCTION_IDS.join(', ')}\n${usage}\n`);
    process.exit(2);
  }
  const token = signToken(
    getConfig().jwtSecret,
    { sub: values.sub ?? `${values.role}-dev`, role: values.role as Role, centers, ...(values.entity ? { entity: values.entity } : {}), ...(functions?.length ? { functions } : {}) },
    values.ttl as never,
    {},
    { issuer: getConfig().JWT_ISSUER, audience: getConfig().JWT_AUDIENCE },
  );
  process.stdout.write(`${token}\n`);
}

main();
