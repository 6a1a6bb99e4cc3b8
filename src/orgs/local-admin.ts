// The local system administrator: who the command line acts as. Whoever can reach the database
// (or the owner's control socket) can change it anyway; the commands still go through the same
// services, validation and ledger commitments as the API, acting for the coordination centre.
import { errors } from '../platform/errors.ts';
import type { Actor } from '../access/index.ts';
import { systemActor } from './demo.ts';
import type { OrgService } from './service.ts';

export async function localAdministrator(orgs: Pick<OrgService, 'root'>): Promise<Actor> {
  const root = await orgs.root();
  if (!root)
    throw errors.conflict(
      'The database has no organizations yet: run `bulwark serve` once (it creates the demo federation) or `bulwark org create --root`.',
    );
  return systemActor(root);
}
