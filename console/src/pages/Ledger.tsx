// The ledger: tree size, the latest signed checkpoint, the witnesses, a receipt lookup for the
// caller's records and a receipt verifier that runs in this browser (WebCrypto), trusting only the
// verifier key shown (or one pasted from elsewhere), never the server's word.
import { type CSSProperties, type FormEvent, useState } from 'react';
import {
  entryCommitsToMetadata,
  verifyReceiptWeb,
  type WebReceiptResult,
} from '../../../src/ledger/web/index.ts';
import {
  type ApiError,
  asApiError,
  type LedgerStatus,
  type Receipt as ReceiptView,
  request,
} from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';

const pre: CSSProperties = {
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
  fontSize: '0.8rem',
  margin: 0,
};

function Copy({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="button small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setDone(true));
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

function ReceiptLookup({ onReceipt }: { onReceipt: (r: ReceiptView) => void }) {
  const [kind, setKind] = useState('incident');
  const [id, setId] = useState('');
  const [version, setVersion] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onReceipt(
        await request<ReceiptView>('GET', '/api/v1/ledger/receipts', {
          query: { kind, id: id.trim(), version: version.trim() || undefined },
        }),
      );
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="Receipt for a record">
      <form onSubmit={submit} aria-label="Get a receipt">
        <div className="field">
          <label htmlFor="ledger-kind">Record kind</label>
          <input id="ledger-kind" value={kind} onChange={(e) => setKind(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="ledger-id">Record id</label>
          <input id="ledger-id" value={id} onChange={(e) => setId(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="ledger-version">Version (latest when empty)</label>
          <input
            id="ledger-version"
            inputMode="numeric"
            value={version}
            onChange={(e) => setVersion(e.target.value)}
          />
        </div>
        <ProblemBanner error={error} />
        <button type="submit" className="button primary" disabled={busy || !id.trim()}>
          Get receipt
        </button>
      </form>
    </Panel>
  );
}

function Verifier({
  initialKey,
  receipt,
  owner,
}: {
  initialKey: string;
  receipt: string;
  /** The metadata and salt the server gave with the receipt, checked against the entry here. */
  owner?: { entry: ReceiptView['entry']; salt: string };
}) {
  const [key, setKey] = useState(initialKey);
  const [text, setText] = useState(receipt);
  const [result, setResult] = useState<WebReceiptResult | null>(null);
  const [commits, setCommits] = useState<boolean | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [lastReceipt, setLastReceipt] = useState(receipt);
  if (receipt !== lastReceipt) {
    setLastReceipt(receipt);
    setText(receipt);
    setResult(null);
    setFailure(null);
  }
  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    setCommits(null);
    setFailure(null);
    try {
      const verified = await verifyReceiptWeb(text.replace(/\r\n/g, '\n'), key.trim());
      // The public entry is opaque (issue 8): the metadata the server gave must hash to it.
      if (owner) setCommits(await entryCommitsToMetadata(verified.entry, owner.salt, owner.entry));
      setResult(verified);
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Panel title="Verify a receipt in this browser">
      <form onSubmit={verify} aria-label="Verify a receipt">
        <div className="field">
          <label htmlFor="ledger-vkey">Log verifier key</label>
          <input
            id="ledger-vkey"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            spellCheck={false}
            required
          />
          <span className="field-hint">
            Paste a key obtained elsewhere to check this server's receipts independently.
          </span>
        </div>
        <div className="field">
          <label htmlFor="ledger-receipt">Receipt (C2SP tlog-proof)</label>
          <textarea
            id="ledger-receipt"
            rows={12}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            style={{ ...pre, width: '100%' }}
            required
          />
        </div>
        <button type="submit" className="button primary" disabled={!text.trim() || !key.trim()}>
          Verify
        </button>
      </form>
      {result && (
        <p className="notice success" role="status">
          Valid: entry {result.index} is in {result.origin} at tree size {result.treeSize}, signed by the log
          key
          {result.otherSigners.length > 0 ? ` (also signed by ${result.otherSigners.join(', ')})` : ''}.
          <br />
          <code style={pre}>{result.entry}</code>
          {owner && commits !== null && (
            <>
              <br />
              {commits
                ? `It commits to ${owner.entry.kind} ${owner.entry.id} v${owner.entry.version} of organization ${owner.entry.org} at ${owner.entry.at}.`
                : 'It does not commit to the record the server named.'}
            </>
          )}
        </p>
      )}
      {failure && (
        <div className="problem" role="alert">
          <strong className="problem-title">Not valid</strong> <span>{failure}</span>
        </div>
      )}
    </Panel>
  );
}

export function LedgerPage() {
  const status = useLoad(() => request<LedgerStatus>('GET', '/api/v1/ledger/status'), []);
  const [receipt, setReceipt] = useState<ReceiptView | null>(null);
  const s = status.data;
  return (
    <Page
      title="Ledger"
      subtitle="Every record Bulwark accepts is committed to an append-only RFC 9162 Merkle log with signed C2SP checkpoints that anyone can verify."
      actions={
        <button type="button" className="button small" onClick={status.reload}>
          Refresh
        </button>
      }
    >
      <ProblemBanner error={status.error} />
      {s && (
        <>
          <Panel title="Latest checkpoint">
            <dl>
              <dt>Tree size</dt>
              <dd data-testid="ledger-size">{s.treeSize.toLocaleString()}</dd>
              <dt>Published</dt>
              <dd>{formatDateTime(s.publishedAt)}</dd>
              <dt>Waiting to be sequenced</dt>
              <dd>{s.pending}</dd>
              <dt>Log origin</dt>
              <dd>
                <code>{s.origin}</code>
              </dd>
              <dt>Verifier key</dt>
              <dd>
                <code style={pre}>{s.verifierKey}</code> <Copy text={s.verifierKey} />
              </dd>
              <dt>Signing key storage</dt>
              <dd>
                {s.keyEncrypted ? (
                  <Badge tone="ok">Encrypted</Badge>
                ) : (
                  <Badge tone="warn">Not encrypted</Badge>
                )}
              </dd>
            </dl>
            <figure style={{ margin: 0 }}>
              <figcaption className="muted">Signed checkpoint (C2SP signed note)</figcaption>
              <pre style={pre}>{s.checkpoint}</pre>
            </figure>
            <p className="muted">
              Public, for any verifier: <a href="/ledger/checkpoint">/ledger/checkpoint</a>,{' '}
              <a href="/ledger/key">/ledger/key</a>, tiles under <code>/ledger/tile/</code>. Audit it with{' '}
              <code>bulwark ledger audit --url URL --key VKEY --state FILE --full</code>.
            </p>
          </Panel>
          <Panel title="Witnesses">
            {s.witnesses.length === 0 ? (
              <p className="muted">No witnesses are configured (BULWARK_LEDGER_WITNESSES).</p>
            ) : (
              <table className="datatable">
                <thead>
                  <tr>
                    <th>Witness</th>
                    <th>Last cosigned size</th>
                    <th>Received</th>
                  </tr>
                </thead>
                <tbody>
                  {s.witnesses.map((w) => (
                    <tr key={w.key}>
                      <td title={w.key}>{w.name}</td>
                      <td>
                        {w.lastCosignedSize === null ? (
                          <Badge tone="muted">never</Badge>
                        ) : (
                          <>
                            {w.lastCosignedSize.toLocaleString()}{' '}
                            {w.lastCosignedSize === s.treeSize ? (
                              <Badge tone="ok">current</Badge>
                            ) : (
                              <Badge tone="warn">behind</Badge>
                            )}
                          </>
                        )}
                      </td>
                      <td>{formatDateTime(w.lastCosignedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
          <ReceiptLookup onReceipt={setReceipt} />
          {receipt && (
            <Panel title={`Receipt: ${receipt.kind} ${receipt.id} v${receipt.version}`}>
              <p>
                Leaf {receipt.leafIndex} of {receipt.treeSize}. Salt (keep it with the record to prove what
                was committed): <code style={pre}>{receipt.salt}</code>
              </p>
              <pre style={pre}>{receipt.receipt}</pre>
              <Copy text={receipt.receipt} />
            </Panel>
          )}
          <Verifier
            initialKey={s.verifierKey}
            receipt={receipt?.receipt ?? ''}
            owner={receipt ? { entry: receipt.entry, salt: receipt.salt } : undefined}
          />
        </>
      )}
    </Page>
  );
}
