import Database from 'better-sqlite3';
const db = new Database(process.argv[2], { readonly: true });
console.log(db.prepare('SELECT max(seq) FROM changes').pluck().get(), db.prepare('SELECT rev, count(*) n FROM devices GROUP BY rev').all());
console.log(db.prepare('SELECT payload FROM changes ORDER BY seq DESC LIMIT 1').pluck().get());
