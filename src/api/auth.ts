import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ROLES, SSCS_FUNCTION_IDS, type Actor, type Role } from '../shared/roles';
import { forbidden, unauthorized } from './errors';

/**
 * JWT claims (DESIGN §6): `sub`, `role`, `centers` (center ids or "*"), and for a participating
 * entity's contact the `entity` they answer for: without it they could act on another entity's
 * incidents and claims in the same center.
 */
export const claimsSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    centers: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]),
    entity: z.string().regex(/^[a-z0-9-]+$/).optional(),
    functions: z.array(z.enum(SSCS_FUNCTION_IDS)).min(1).optional(),
  })
  .refine((c) => c.role === 'sscs' || c.functions === undefined, { path: ['functions'], message: 'only role sscs holds supervision functions' })
  .refine((c) => c.role !== 'participant_entity' || c.entity !== undefined, { path: ['entity'], message: 'is required for role participant_entity' });

/**
 * Who issues the tokens and for whom (`iss`, `aud`): checked on every token, so a token the same
 * secret signed for another system is refused (JWT_ISSUER, JWT_AUDIENCE).
 */
export interface JwtScope {
  issuer: string;
  audience: string;
}
export const DEFAULT_JWT_SCOPE: JwtScope = { issuer: 'mac-process-engine', audience: 'mac-process-engine' };

/** `extra`: claims beside the identity, e.g. a web session's own id (src/web/session.ts). */
export function signToken(secret: string, claims: Actor, expiresIn: jwt.SignOptions['expiresIn'] = '12h', extra: Record<string, string> = {}, scope: JwtScope = DEFAULT_JWT_SCOPE): string {
  return jwt.sign({ ...extra, ...claimsSchema.parse(claims) }, secret, { algorithm: 'HS256', expiresIn, issuer: scope.issuer, audience: scope.audience });
}

/**
 * The HS256 key of a secret, made once: handed a string, jsonwebtoken first tries to read it as a
 * PEM public key and fails, on every request (about 1.3 ms of the API's CPU per request under load,
 * docs/benchmarks.md).
 */
const keys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

export function verifyToken(secret: string, header: string | undefined, scope: JwtScope = DEFAULT_JWT_SCOPE): Actor {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) throw unauthorized();
  let payload: unknown;
  try {
    payload = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'], issuer: scope.issuer, audience: scope.audience });
  } catch (err) {
    throw unauthorized(`invalid token: ${(err as Error).message}`);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized('token claims must include sub, role and centers (and entity for participant_entity; functions only for sscs)');
  return claims.data;
}

export function canAccessCenter(actor: Actor, centerId: string): boolean {
  return actor.centers === '*' || actor.centers.includes(centerId);
}

export function assertCenter(actor: Actor, centerId: string): void {
  if (!canAccessCenter(actor, centerId)) throw forbidden(`your token does not give access to center ${centerId}`);
}

export function assertRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) throw forbidden(`role ${actor.role} may not do this (allowed: ${roles.join(', ')})`);
}

/**
 * A Mongo filter limiting a query to the actor's centers. One center is an equality (the embedded
 * store serves equality from an index; `$in` it filters in memory: src/db/embeddedIndexes.ts).
 */
export function centerFilter(actor: Actor, requested?: string): Record<string, unknown> {
  if (requested) {
    assertCenter(actor, requested);
    return { centerId: requested };
  }
  if (actor.centers === '*') return {};
  return actor.centers.length === 1 ? { centerId: actor.centers[0] } : { centerId: { $in: actor.centers } };
}
