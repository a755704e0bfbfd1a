/**
 * `data/` made before the store moved to PostgreSQL (issue 8) keeps its documents in FerretDB's
 * SQLite files under `data/ferretdb/`, while Temporal's own file still holds the runs they belong
 * to. Starting on an empty store would lose the inbox, the outbox, the Libro de Reclamaciones and
 * the numbering (new run numbers would clash with the runs Temporal has). So, once, the old files
 * are served by FerretDB's SQLite backend on a free loopback port and every collection is copied
 * into the new store; the old directory is then renamed, not deleted.
 */
import fs from 'node:fs';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { freePort, startSqliteFerretDB } from './embedded';

const BATCH = 500;

export async function migrateSqliteStore(o: { oldDir: string; targetUri: string; logDir: string; log: Logger }): Promise<number | null> {
  if (!fs.existsSync(o.oldDir)) return null;
  o.log.info({ from: o.oldDir }, 'copying the documents of the previous SQLite store into PostgreSQL (once)');
  const old = await startSqliteFerretDB({ port: await freePort(), dataDir: o.oldDir, logDir: o.logDir });
  const source = await mongoose.createConnection(old.url).asPromise();
  const target = await mongoose.createConnection(o.targetUri).asPromise();
  let copied = 0;
  try {
    for (const { name } of await source.db!.listCollections({}, { nameOnly: true }).toArray()) {
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        if (!batch.length) return;
        // Unordered and tolerant of duplicates: a copy interrupted halfway can simply run again.
        await target.db!.collection(name).insertMany(batch as never[], { ordered: false }).catch((err: { code?: number; writeErrors?: { code: number }[] }) => {
          const errors = err.writeErrors ?? [err];
          if (!errors.every((e) => e.code === 11000)) throw err;
        });
        copied += batch.length;
        batch = [];
      };
      for await (const doc of source.db!.collection(name).find()) {
        batch.push(doc);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
  } finally {
    await source.close();
    await target.close();
    await old.stop();
  }
  const kept = `${o.oldDir}.migrated-${new Date().toISOString().slice(0, 10)}`;
  fs.renameSync(o.oldDir, kept);
  o.log.info({ copied, kept }, 'previous store copied; its files are kept');
  return copied;
}
