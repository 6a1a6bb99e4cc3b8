// A command-line process that writes to a PostgreSQL database beside a running server (no control
// socket there: both talk to the database) brings the metric cells up to date before it exits, so
// the figures follow its writes without waiting for the server's periodic reconcile (minutes).
// The cells are read straight from the table after the command has exited: no process ran a
// reconcile in between, so only the command itself can have written them.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createScratchDatabase } from '../../src/platform/testing.ts';
import { bulwarkSync } from '../support/processes.ts';

const OSV = new URL('../../../shared/data/osv-go/GO-2021-0052.json', import.meta.url).pathname;

describe('metric cells after a command-line write', () => {
  test('PostgreSQL: an SBOM imported by bin/bulwark is in the exposure cells when the command exits', {
    skip: process.env.TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set',
  }, async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    const client = new pg.Client({ connectionString: scratch.url });
    try {
      const env = { DATABASE_URL: scratch.url };
      const run = (args: string[]) => {
        const r = bulwarkSync(args, { env });
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
        return r.out;
      };
      run(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS']);
      run(['import', 'osv', OSV]);
      await client.connect();
      const cells = async () =>
        (
          await client.query<{ rows: number }>(
            `SELECT count(*)::int AS rows FROM metric_exposure_cells c
                 JOIN organizations o ON o.id = c.org_id WHERE o.name = 'Centre'`,
          )
        ).rows[0]!.rows;
      assert.equal(await cells(), 0, 'no exposures yet, so no exposure cells');
      // gin 1.7.4 is inside GO-2021-0052's range (fixed in 1.7.7).
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-metrics-cli-'));
      const sbom = join(dir, 'web.cdx.json');
      writeFileSync(
        sbom,
        JSON.stringify({
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          version: 1,
          components: [
            {
              type: 'library',
              name: 'github.com/gin-gonic/gin',
              version: 'v1.7.4',
              purl: 'pkg:golang/github.com/gin-gonic/gin@v1.7.4',
            },
          ],
        }),
      );
      assert.match(run(['import', 'sbom', sbom, '--asset', 'web portal']), /1 components?/);
      const open = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM exposures WHERE status = 'open'`,
      );
      assert.ok(open.rows[0]!.n >= 1, 'the import opened an exposure');
      assert.equal(await cells(), 1, 'the exposure is in the cells when the command has exited');
    } finally {
      await client.end().catch(() => undefined);
      await scratch.drop();
    }
  });
});
