/** Party rows as typed → the contract's parties (blank rows dropped, blank ID left out). Pure. */
import type { Party } from '@shared/incidents';

export interface PartyRow {
  name: string;
  idKey: string;
}

export function partiesOf(rows: readonly PartyRow[]): Party[] {
  return rows
    .map((r) => ({ name: r.name.trim(), idKey: r.idKey.trim() }))
    .filter((r) => r.name.length > 0)
    .map((r) => (r.idKey ? { name: r.name, idKey: r.idKey } : { name: r.name }));
}
