/**
 * `npm run accounts -- <command>`: account tasks for an operator at the server, without the UI.
 *   create-admin <username> <region code>   a city (or narrower) admin; the password comes from
 *                                           ADMIN_PASSWORD (at least 10 characters)
 *   remove-demo                             delete the demo city's accounts (needed before
 *                                           NODE_ENV=production will start)
 * Every change is written to the audit log. With the embedded database, stop the hub first.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../core/logging';
import { IdentityRepository } from '../repositories/identity.repository';
import { AuditRepository } from '../repositories/audit.repository';
import { AuditService } from '../services/audit.service';
import { hashPassword } from '../auth/password';
import { systemClock } from '../core/clock';
import { newPassword, regionCode } from '@shared/auth';
import { main, openFromEnv } from './db';

const USAGE =
  'usage: npm run accounts -- create-admin <username> <region code>   (password from ADMIN_PASSWORD)\n       npm run accounts -- remove-demo\n';

main(async () => {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'create-admin' && command !== 'remove-demo') {
    process.stderr.write(USAGE);
    return 2;
  }
  const database = await openFromEnv();
  try {
    const repo = new IdentityRepository(database.db);
    const audit = new AuditService(
      new AuditRepository(database.db),
      systemClock,
      createLogger({ logLevel: 'silent', logFormat: 'json' }),
    );
    if (command === 'remove-demo') {
      const gone = await repo.deleteDemoUsers();
      await audit.record({
        actor: null,
        actorName: 'cli',
        action: 'user.demo-remove',
        outcome: 'ok',
        details: { users: gone },
      });
      process.stdout.write(gone.length ? `removed demo accounts: ${gone.join(', ')}\n` : 'no demo accounts\n');
      return 0;
    }
    const [username, scope] = args;
    const pw = newPassword.safeParse(process.env.ADMIN_PASSWORD ?? '');
    if (!username || !/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username) || !scope || !regionCode.safeParse(scope).success) {
      process.stderr.write(USAGE);
      return 2;
    }
    if (!pw.success) throw new Error(`ADMIN_PASSWORD ${pw.error.issues[0]?.message ?? 'is invalid'}`);
    if (!(await repo.regionName(scope))) throw new Error(`no region has the code ${scope}`);
    if (await repo.userByName(username)) throw new Error(`a user named ${username} exists already`);
    const id = randomUUID();
    await repo.insertUsers([
      { id, username, displayName: username, role: 'admin', scope, passwordHash: await hashPassword(pw.data) },
    ]);
    await audit.record({
      actor: null,
      actorName: 'cli',
      action: 'user.create',
      target: `user:${id}`,
      outcome: 'ok',
      details: { username, role: 'admin', scope },
    });
    process.stdout.write(
      `created admin ${username} (scope ${scope}); in production they set up a second factor at first sign-in\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
});
