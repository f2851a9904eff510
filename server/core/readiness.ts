/** The hub's readiness, as /readyz and the `hub:readiness` event report it. */
import { EventEmitter } from 'node:events';
import type { Readiness } from '@shared/api';

type Checks = Readiness['checks'];

export class ReadinessState extends EventEmitter<{ change: [Readiness] }> {
  private checks: Checks = { database: 'pending', migrations: 'pending', demoData: 'pending' };
  private detail: string | undefined;
  private current: string | undefined = 'opening the database';

  set<K extends keyof Checks>(check: K, value: Checks[K], detail?: string): void {
    this.checks = { ...this.checks, [check]: value };
    if (detail !== undefined) this.detail = detail;
    this.emit('change', this.snapshot());
  }

  /**
   * What the hub is doing now (undefined: nothing more). Before ready it says why /readyz is 503;
   * after, what is still warming up (layers, the summary), which readiness does not wait for.
   */
  step(what: string | undefined): void {
    if (what === this.current) return;
    this.current = what;
    this.emit('change', this.snapshot());
  }

  get ready(): boolean {
    return this.checks.database === 'ok' && this.checks.migrations === 'ok' && this.checks.demoData === 'ok';
  }

  snapshot(): Readiness {
    return {
      ready: this.ready,
      checks: { ...this.checks },
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.current ? { step: this.current } : {}),
    };
  }
}
