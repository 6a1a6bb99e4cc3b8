// `bulwark exposures --remediation`: the upgrades that close the unfixed exposures, the component
// view first ("fix these 3 upgrades to close 120 exposures"), then per asset.
import type { Actor } from '../access/index.ts';
import { type CommandIO, printJsonLines, printTable } from '../platform/cli.ts';
import type { ExposureService } from './service.ts';

export async function printRemediation(
  io: Pick<CommandIO<unknown>, 'out'>,
  exposures: ExposureService,
  actor: Actor,
  assets: string[] | undefined,
  json: boolean,
): Promise<number> {
  const r = await exposures.views.remediation(actor, { assets, limit: 500 });
  if (json) {
    printJsonLines(
      io,
      r.components.map((c) => ({
        ecosystem: c.ecosystem,
        package: c.package,
        purl: c.purl,
        version: c.version,
        fixedIn: c.fixedIn,
        partial: c.partial,
        closes: c.closes,
        exposures: c.exposures,
        assets: c.assets.map((a) => a.name),
        advisories: c.advisories,
        unfixed: c.unfixed,
        kev: c.kev,
      })),
    );
    return 0;
  }
  io.out(
    `${r.totals.upgrades} upgrade${r.totals.upgrades === 1 ? ' closes' : 's close'} ${r.totals.closes} of ${r.totals.exposures} unfixed exposures` +
      `${r.totals.noFix ? `; ${r.totals.noFix} component${r.totals.noFix === 1 ? ' has' : 's have'} no known fix` : ''}\n\n`,
  );
  printTable(
    io,
    r.components.map((c) => ({
      package: `${c.ecosystem}/${c.package}`,
      from: c.version,
      to: c.fixedIn ?? (c.partial ? `${c.partial.version} (partial)` : 'no fix'),
      closes: String(c.closes),
      assets: String(c.assets.length),
      kev: c.kev ? 'KEV' : '',
    })),
    ['package', 'from', 'to', 'closes', 'assets', 'kev'],
  );
  io.out('\nper asset\n');
  printTable(
    io,
    r.assets.map((a) => ({
      asset: a.assetName,
      upgrades: String(a.upgrades.filter((u) => u.closes > 0).length),
      closes: `${a.closes} of ${a.exposures}`,
    })),
    ['asset', 'upgrades', 'closes'],
  );
  if (r.truncated) io.out('(more components than shown; narrow with --asset)\n');
  return 0;
}
