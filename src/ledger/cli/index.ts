// `bulwark ledger ...`: offline verifiers (inclusion, consistency, receipts), the auditor, and a
// witness that cosigns another Bulwark instance's checkpoints after checking consistency. One file
// per command; this table assembles them for src/cli.
import type { CliCommand } from '../../platform/cli.ts';
import { verifyInclusionCommand } from './verify-inclusion.ts';
import { verifyConsistencyCommand } from './verify-consistency.ts';
import { verifyReceiptCommand } from './verify-receipt.ts';
import { auditCommand } from './audit.ts';
import { witnessCommand } from './witness.ts';
import { witnessKeyCommand } from './witness-key.ts';
import { keyCommand } from './key.ts';
import type { LedgerCommandContext } from './shared.ts';

export type { LedgerCommandContext };

export const ledgerCommands: Record<string, CliCommand<LedgerCommandContext>> = {
  'ledger verify-inclusion': verifyInclusionCommand,
  'ledger verify-consistency': verifyConsistencyCommand,
  'ledger verify-receipt': verifyReceiptCommand,
  'ledger audit': auditCommand,
  'ledger witness': witnessCommand,
  'ledger witness-key': witnessKeyCommand,
  'ledger key': keyCommand,
};
