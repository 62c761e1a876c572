/**
 * What the shared conformance suite cannot see: PostgreSQL's own failure modes
 * (a dropped sequencer connection, racing schema creation, a server that is not
 * there) and the messages a person gets for them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../../../test/helpers/env.js';
import { BatchMaker, testIdentity } from '../../../test/helpers/log-fixtures.js';
import { dropSchemas, postgresAvailable } from '../../../test/helpers/postgres.js';
import { utf8 } from '../../ledger/bytes.js';
import { leafHash } from '../../ledger/hash.js';
import { describeLocation } from './postgres-schema.js';
import { PostgresStore } from './postgres-store.js';

describe('PostgreSQL store without a server', () => {
  it('never shows the password in its location', () => {
    const shown = describeLocation('postgres://log:s3cret@db.example:5432/ledger?sslpassword=k3y&sslmode=require', 'm');
    expect(shown).not.toMatch(/s3cret|k3y/);
    expect(shown).toBe('postgres://log@db.example:5432/ledger?sslmode=require (schema m)');
    expect(describeLocation('host=/run/postgresql password=s3cret', 'm')).not.toMatch(/s3cret/);
  });

  it('refuses a schema name it would have to trust inside SQL', async () => {
    await expect(PostgresStore.open(postgresUrl(), { schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({
      code: 'config',
    });
  });

  it('says where it tried to connect and what to check when nothing answers', async () => {
    const err = await PostgresStore.open('postgres://nobody:pw@127.0.0.1:1/none').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'storage_failure' });
    expect((err as Error).message).toMatch(/^cannot connect to PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    expect((err as Error).message).toMatch(/MATTERLOG_DATABASE_URL/);
    expect((err as Error).message).not.toMatch(/pw/);
  });
});

describe.runIf(await postgresAvailable())('PostgreSQL store', () => {
  const prefix = `tp_${randomBytes(4).toString('hex')}`;
  const schemas: string[] = [];
  const stores: PostgresStore[] = [];
  const schemaName = () => {
    const s = `${prefix}_${schemas.length}`;
    schemas.push(s);
    return s;
  };
  const open = async (schema: string) => {
    const s = await PostgresStore.open(postgresUrl(), { schema, poolSize: 2 });
    stores.push(s);
    return s;
  };
  const admin = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: postgresUrl() });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };

  afterAll(async () => {
    for (const s of stores) await s.close().catch(() => {});
    await dropSchemas(schemas);
  });

  it('creates one schema when several processes open it at once', async () => {
    const schema = schemaName();
    const opened = await Promise.all(Array.from({ length: 6 }, () => open(schema)));
    await opened[0]?.initialise(testIdentity(), new BatchMaker().emptyCheckpoint());
    for (const s of opened) expect((await s.identity())?.origin).toBe(testIdentity().origin);
  });

  it('refuses a schema written by another version of matterlog', async () => {
    const schema = schemaName();
    await (await open(schema)).close();
    await admin((c) => c.query(`UPDATE "${schema}".meta SET value = '99' WHERE key = 'schema_version'`));
    await expect(open(schema)).rejects.toMatchObject({ code: 'config', message: expect.stringMatching(/version 99/) });
  });

  it('ends a lease whose connection drops: it commits nothing more and the lock is free', async () => {
    const schema = schemaName();
    const s = await open(schema);
    const maker = new BatchMaker();
    await s.initialise(testIdentity(), maker.emptyCheckpoint());
    const lease = await s.acquireSequencerLease('doomed sequencer');
    await lease.commit(maker.next(10));
    const holder = await admin((c) =>
      c.query<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'sequencer'`),
    );
    const backend = /PostgreSQL backend (\d+)/.exec(holder.rows[0]?.value ?? '')?.[1];
    expect(holder.rows[0]?.value).toMatch(/^doomed sequencer, pid \d+/);
    // The lease must notice even if the drop arrives before its next commit.
    await admin((c) => c.query('SELECT pg_terminate_backend($1)', [Number(backend)]));
    await new Promise((r) => setTimeout(r, 100));
    const err = await lease.commit(maker.next(5)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'storage_failure', message: expect.stringMatching(/lost its connection/) });
    expect((await s.latestCheckpoint())?.size).toBe(10);
    await lease.release();
    await (await s.acquireSequencerLease('successor')).release();
  });

  it('finds many leaf hashes in one query and reads back a large range', async () => {
    const s = await open(schemaName());
    const maker = new BatchMaker();
    await s.initialise(testIdentity(), maker.emptyCheckpoint());
    const lease = await s.acquireSequencerLease('test');
    await lease.commit(maker.next(3000));
    const wanted = Array.from({ length: 3000 }, (_, i) => leafHash(utf8(`entry-${i}`)));
    const found = await s.findLeafHashes([...wanted, leafHash(utf8('absent'))]);
    expect(found.size).toBe(3000);
    expect(found.get(Buffer.from(wanted[2999] as Uint8Array).toString('hex'))).toBe(2999);
    expect((await s.readEntries(0, 3000)).length).toBe(3000);
    await lease.release();
  });

  it('ends its leases on close and refuses further use', async () => {
    const schema = schemaName();
    const s = await open(schema);
    await s.initialise(testIdentity(), new BatchMaker().emptyCheckpoint());
    await s.acquireSequencerLease('closing');
    await s.close();
    await s.close();
    await expect(s.latestCheckpoint()).rejects.toMatchObject({ code: 'unavailable' });
    const other = await open(schema);
    await (await other.acquireSequencerLease('after close')).release();
  });
});
