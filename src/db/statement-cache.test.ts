import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements } from './database.js';

describe('SQLite statement cache', () => {
  const open = (max?: number) => {
    const db = new SqliteDatabase(':memory:');
    cacheStatements(db, max);
    db.exec('create table t (a integer)');
    return db;
  };

  it('reuses the prepared statement of the same SQL text', () => {
    const db = open();
    const first = db.prepare('insert into t (a) values (?)');
    expect(db.prepare('insert into t (a) values (?)')).toBe(first);
    first.run(1);
    db.prepare('insert into t (a) values (?)').run(2);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2 });
    db.close();
  });

  it('gives a fresh statement while the cached one is still iterating', () => {
    const db = open();
    for (let i = 0; i < 3; i++) db.prepare('insert into t (a) values (?)').run(i);
    const outer = db.prepare('select a from t order by a');
    const seen: number[][] = [];
    for (const row of outer.iterate() as Iterable<{ a: number }>) {
      const inner = db.prepare('select a from t order by a');
      expect(inner).not.toBe(outer);
      seen.push([row.a, (inner.all() as { a: number }[]).length]);
    }
    expect(seen).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    db.close();
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const db = open(2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a); // now "select 2" is the oldest
    db.prepare('select 3'); // evicts "select 2"
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    db.close();
  });
});
