// Placeholder of the Ledger section: the ledger capability replaces this file with its page.
import { ComingSoon } from '../components/ComingSoon.tsx';

export function LedgerPage() {
  return (
    <ComingSoon
      title="Ledger"
      capability="Verifiable record of every accepted report, state change and indicator"
    >
      <p>
        Every record Bulwark accepts is committed to an append-only Merkle log with signed checkpoints that
        anyone can verify. This page will show the log's checkpoints, its size and the proofs of your
        organization's records.
      </p>
    </ComingSoon>
  );
}
