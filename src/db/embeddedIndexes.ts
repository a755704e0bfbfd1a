/**
 * Indexes the embedded store can use (DESIGN §3). FerretDB v1 on PostgreSQL keeps each document in
 * one jsonb column and pushes a top-level equality filter down as `_jsonb -> 'field' @> value`
 * (jsonb containment). Its own indexes are btree on `_jsonb -> 'field'`, which cannot serve `@>`,
 * so every query scanned the whole table. A GIN index on the same expression can: for every field
 * a mongoose schema indexes (and `_id`), this creates one on FerretDB's table of that collection.
 *
 * Only for the embedded store: production MongoDB uses mongoose's own indexes. FerretDB's version
 * is pinned (tools/ferretdb/go.mod), and with it how it names tables (its metadata table in the
 * database's schema maps each collection to its table).
 *
 * What FerretDB v1 pushes down, and so what these indexes can serve: equality of a top-level field
 * with a string, number, boolean or date (`{ runId: X }`, `{ status: 'open', centerId: C }`).
 * `$in`, `$or`, `$exists`, ranges and dotted paths are evaluated in memory over what the pushed
 * part returned: hot queries must carry at least one selective top-level equality.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Model } from 'mongoose';
import type { Models } from './models';

/** FerretDB v1's table of collections in each database's schema (`_id`: collection, `table`: table). */
const METADATA_TABLE = '_ferretdb_database_metadata';

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The top-level fields each collection's queries are served by: `_id` and every indexed field. */
export function indexedFields(models: Models): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of Object.values(models)) {
    if (typeof m !== 'function') continue;
    const model = m as Model<unknown>;
    const fields = new Set<string>(['_id']);
    for (const [spec] of model.schema.indexes()) for (const field of Object.keys(spec)) if (!field.includes('.')) fields.add(field);
    out.set(model.collection.collectionName, [...fields]);
  }
  return out;
}

/** The GIN index name for a field of a table (PostgreSQL names stop at 63 bytes). */
function indexName(table: string, field: string): string {
  const hash = createHash('sha256').update(`${table}.${field}`).digest('hex').slice(0, 8);
  return `${table.slice(0, 30)}_${field.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 20)}_gin_${hash}`;
}

/**
 * Creates the missing GIN indexes for the models' database (a PostgreSQL schema of the same name).
 * Idempotent and cheap when they exist; returns the number created. Collections must exist
 * (`connectModels` creates them first).
 */
export async function ensureEmbeddedIndexes(models: Models, postgresUrl: string): Promise<number> {
  const schema = models.connection.name;
  const pg = new Client({ connectionString: postgresUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ collection: string; table: string }>(
      `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${quote(schema)}.${quote(METADATA_TABLE)}`,
    );
    const tables = new Map(rows.map((r) => [r.collection, r.table]));
    let created = 0;
    for (const [collection, fields] of indexedFields(models)) {
      const table = tables.get(collection);
      if (!table) throw new Error(`embedded store: collection ${schema}.${collection} has no table yet`);
      for (const field of fields) {
        const name = indexName(table, field);
        const exists = await pg.query('SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [schema, name]);
        if (exists.rowCount) continue;
        await pg.query(`CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${quote(schema)}.${quote(table)} USING gin ((_jsonb -> ${literal(field)}) jsonb_path_ops)`);
        created++;
      }
    }
    return created;
  } finally {
    await pg.end();
  }
}
