// Demo incidents for the demo federation (src/app/demo.ts runs this once, right after creating
// it): a few labelled incidents through the service — one overdue, one drill — so the queues,
// clocks and the centre's alerts have something to show. Every title says "(demo)".
import type { Actor } from '../access/index.ts';
import type { IncidentService } from './service.ts';

export interface IncidentDemoInput {
  incidents: IncidentService;
  /** The local administrator (the coordination centre). */
  actor: Actor;
  orgByName: (name: string) => string;
  print: (line: string) => void;
}

const HOUR = 3_600_000;

export async function seedIncidentDemo({
  incidents,
  actor,
  orgByName,
  print,
}: IncidentDemoInput): Promise<void> {
  const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
  const centre = actor.org.id;
  await incidents.setProfile(actor, centre, { timeZone: 'Asia/Shanghai', regime: 'cn-2025' });

  // Overdue: the grid's 1-hour report to its protection department was never filed.
  const grid = await incidents.actingFor(actor, orgByName('Northport Power Grid (demo)'));
  await incidents.file(grid, {
    title: 'Ransomware on the SCADA historian servers (demo)',
    category: 'enisa:malicious-code',
    grade: 'major',
    awareAt: ago(3),
    occurredAt: ago(5),
    description: 'Historian and two engineering workstations encrypted; substations run on local control.',
    impact: { outageHours: 3, peopleAffected: 12000, summary: 'Remote monitoring of 14 substations lost.' },
    ransomDemanded: true,
    indicators: 'ransom note README_RESTORE.txt; C2 185.220.101.7:443',
  });

  // Reported on time and triaged by the city.
  const bank = await incidents.actingFor(actor, orgByName('Northport Savings Bank (demo)'));
  const phish = await incidents.file(bank, {
    title: 'Credential phishing against online-banking customers (demo)',
    category: 'enisa:fraud',
    grade: 'relatively-major',
    awareAt: ago(0.5),
    impact: { peopleAffected: 340, summary: 'Look-alike domain harvesting one-time passwords.' },
  });
  const first = phish.obligations.find((o) => o.filer === 'operator' && !o.satisfiedAt && o.due);
  if (first)
    await incidents.fileReport(bank, phish.id, {
      stage: first.stage,
      content: {
        summary: 'Look-alike domain northport-savings-login.example sends OTP prompts.',
        systems: 'Online banking (customer side only).',
        impact: '340 customers entered credentials; 12 fraudulent transfers stopped.',
        measures: 'Domain takedown requested; affected accounts frozen.',
        contact: 'SOC duty officer, +00 000 0000',
      },
    });
  const city = await incidents.actingFor(actor, orgByName('Northport City (demo)'));
  await incidents.update(city, phish.id, {
    status: 'triaged',
    note: 'Confirmed; coordinating the takedown.',
  });

  // A drill launched by the centre at the port.
  await incidents.file(actor, {
    org: orgByName('Southbay Port Authority (demo)'),
    exercise: true,
    title: 'DRILL: container terminal operating system outage (demo)',
    category: 'enisa:availability',
    grade: 'major',
    awareAt: ago(0),
    description: 'Exercise launched by the centre: measure time-to-report along the southern province.',
  });

  // A small one, handled and recovered.
  const isp = await incidents.actingFor(actor, orgByName('Lakeside Broadband (demo)'));
  const ddos = await incidents.file(isp, {
    title: 'DDoS against the customer portal (demo)',
    category: 'enisa:availability',
    grade: 'general',
    awareAt: ago(30),
    impact: { portalDowntimeHours: 2 },
  });
  await incidents.update(isp, ddos.id, { status: 'responding' });
  await incidents.update(isp, ddos.id, { status: 'recovered', containedAt: ago(27) });
  print('demo incidents: 4 (one overdue, one drill)');
}
