import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { isPreparedSql } from './prepared.js';

/**
 * A pool whose clients run the SQL of prepared queries (prepared.ts) as named statements, so that PostgreSQL parses
 * each of them once per connection instead of on every call; the database server shares the machine's cores with
 * the application. Any other SQL (a $filter's, a migration's) runs as before, unnamed. The name is a hash of the
 * text, so one name always means one text on every connection.
 *
 * Each execution is still planned for its values and the tables' current size (`plan_cache_mode =
 * force_custom_plan`). Left to itself, PostgreSQL settles on a generic plan after five executions and keeps it for
 * the connection's life, or until an ANALYZE: on a database being filled from empty (a new server, then an
 * import) that plan was made for empty tables. Bench row 4 on PostgreSQL showed it: the SAP import's group rule
 * kept a plan that read every entry of the keystore, and imports slowed from 600/s to 300/s within 15 seconds;
 * planned per execution they held 730 to 910/s.
 */
export function namingStatements(pool: pg.Pool): PostgresPool {
  pool.on('connect', (client) => {
    // Queued before any other query of this client. A server without the setting (before PostgreSQL 12) plans as
    // it always did.
    client.query('SET plan_cache_mode = force_custom_plan').catch(() => undefined);
  });
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let w = wrapped.get(client);
    if (!w) {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      w = {
        query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>) {
          if (typeof sqlOrCursor === 'string' && isPreparedSql(sqlOrCursor))
            return query({ name: statementName(sqlOrCursor), text: sqlOrCursor, values: parameters });
          return query(sqlOrCursor, parameters);
        },
        release: (destroy?: boolean) => client.release(destroy),
      } as PostgresPoolClient;
      wrapped.set(client, w);
    }
    return w;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

const names = new Map<string, string>();

function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `oks_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}
