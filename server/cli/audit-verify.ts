/**
 * `npm run audit:verify`: walk the audit log's hash chain and name the first broken record.
 * Exit 0 when the chain holds, 1 when it is broken (or the database cannot be opened).
 * With the embedded database, stop the hub first (PGlite has one user at a time).
 */
import { createLogger } from '../core/logging';
import { AuditRepository } from '../repositories/audit.repository';
import { AuditService } from '../services/audit.service';
import { systemClock } from '../core/clock';
import { main, openFromEnv } from './db';

main(async () => {
  const database = await openFromEnv();
  try {
    const check = await new AuditService(
      new AuditRepository(database.db),
      systemClock,
      createLogger({ logLevel: 'silent', logFormat: 'json' }),
    ).verify();
    if (check.ok) {
      process.stdout.write(`audit log intact: ${check.count} records, every hash chained\n`);
      return 0;
    }
    process.stdout.write(`audit log BROKEN at record ${check.seq}: ${check.reason}\n`);
    return 1;
  } finally {
    await database.close();
  }
});
