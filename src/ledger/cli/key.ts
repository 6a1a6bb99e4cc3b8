// `bulwark ledger key`: Print the log's verifier key (also served at /ledger/key).
import { type CliCommand, parseFlags } from '../../platform/cli.ts';
import type { LedgerCommandContext } from './shared.ts';

export const keyCommand: CliCommand<LedgerCommandContext> = {
  usage: '[--data DIR]',
  database: true,
  summary: "Print the log's verifier key (also served at /ledger/key).",
  async run(argv, io) {
    parseFlags(argv, {});
    const ctx = await io.open();
    io.out(`${await ctx.ledger.verifierKey()}\n`);
    return 0;
  },
};
