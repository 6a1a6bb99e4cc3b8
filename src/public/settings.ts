// The portal's settings from the configuration's `publicReports` section (src/platform/config.ts
// parses the variables; this turns them into what the service needs, with the defaults).
import type { Config } from '../platform/config.ts';
import { parseAbuseDesks } from './abuse-desks.ts';
import type { PublicSettings } from './service.ts';
import { OBSERVABLE_KINDS, type ObservableKind } from './taxonomy.ts';

/** Values that need two analysts to promote by default: bank hotlines, official numbers, top domains. */
export const DEFAULT_ALLOWLIST = [
  'sender-id:CN:95588',
  'sender-id:CN:95533',
  'sender-id:CN:95599',
  'sender-id:CN:12321',
  'phone:+8695588',
  'phone:+86110',
  'domain:gov.cn',
  'domain:google.com',
  'domain:apple.com',
  'domain:microsoft.com',
  'domain:github.io',
  'domain:alipay.com',
  'domain:qq.com',
];

export function publicSettings(config: Config): PublicSettings {
  const s = config.publicReports;
  const clear = s.clearKinds.filter((k): k is ObservableKind =>
    (OBSERVABLE_KINDS as readonly string[]).includes(k),
  );
  return {
    secret: s.secret ?? config.ledger.secret,
    publicOrigin: config.publicOrigin,
    pow: { counter: s.powCounter, ttlSeconds: s.powTtlSeconds, surgePerMinute: s.surgePerMinute },
    perPrefixPerHour: s.perPrefixPerHour,
    perContactPerDay: s.perContactPerDay,
    candidateReporters: s.candidateReporters,
    candidateWindowHours: s.candidateWindowHours,
    allowlist: [...DEFAULT_ALLOWLIST, ...s.allowlist],
    clearKinds: clear,
    abuseDesks: s.abuseDesks.length ? parseAbuseDesks(s.abuseDesks) : undefined,
  };
}
