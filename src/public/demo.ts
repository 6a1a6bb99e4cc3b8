// Demo public reports for the demo federation: a few labelled reports (demo: true) of one
// impersonation-of-a-bank SMS campaign from three reporters, so the queue, a campaign and a
// candidate show at a first start; filed through the service without proof of work.
import type { PublicService } from './service.ts';

export async function seedPublicDemo(input: {
  publicReports: PublicService;
  print: (line: string) => void;
}): Promise<void> {
  const s = input.publicReports;
  const sms = (n: string) =>
    `[Demo Bank] Your account is frozen. Verify within 24 hours at demo-bank-verify.example.com/login or call ${n} (demo).`;
  const reports = [
    { token: 'demo-reporter-0000000000001', region: 'BW-N', text: sms('+86 138 0013 8000') },
    { token: 'demo-reporter-0000000000002', region: 'BW-N-01', text: sms('+86 138 0013 8000') },
    { token: 'demo-reporter-0000000000003', region: 'BW-S', text: sms('+86 138 0013 8000') },
  ];
  for (const r of reports) {
    await s.file(
      {
        category: 'fraud.impersonation-bank',
        contactMethod: 'sms',
        region: r.region,
        narrative:
          'DEMO REPORT: an SMS claimed my bank account was frozen and asked me to sign in on a link.',
        message: r.text,
        observables: [
          { type: 'phone', value: '+86 138 0013 8000' },
          { type: 'url', value: 'http://demo-bank-verify.example.com/login' },
        ],
        reporterToken: r.token,
        pow: { challenge: { parameters: {}, signature: '' }, solution: { counter: 0, derivedKey: '' } },
      },
      { address: '192.0.2.1' },
      { demo: true, skipPow: true },
    );
  }
  await s.file(
    {
      category: 'privacy.app-over-collection',
      contactMethod: 'app',
      region: 'BW-S-02',
      narrative: 'DEMO REPORT: a flashlight app asks for my contacts and location and uploads them.',
      observables: [{ type: 'app-id', value: 'com.example.demo.flashlight' }],
      reporterToken: 'demo-reporter-0000000000004',
      pow: { challenge: { parameters: {}, signature: '' }, solution: { counter: 0, derivedKey: '' } },
    },
    { address: '198.51.100.7' },
    { demo: true, skipPow: true },
  );
  input.print('demo: 4 public reports (one SMS campaign from 3 reporters: a candidate phone number)');
}
