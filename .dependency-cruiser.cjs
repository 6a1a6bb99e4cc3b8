// The layers of docs/ARCHITECTURE.md, checked by `npm run deps` and `npm test`. Bottom to top:
//   platform → access, formats → ledger → domains (orgs, auth, assets, advisories, exposures …)
//   → app, cli
// Each folder imports only those below it; a folder other than platform is reached from outside
// only through an index.ts (its own or a subfolder's); no import cycle anywhere. A domain is any
// other top-level folder: it may import platform, access, formats, the ledger and other domains'
// index.ts, never app or cli; domains among themselves are kept acyclic. No exceptions.
// The console (console/src) sits beside the server, not above it: it imports from src/ only the
// domains' schema modules (type-only, for the API's contracts, through its one typed client
// console/src/api.ts) and the browser-safe modules listed here, which import nothing.
const BROWSER_SAFE = [
  '^src/ledger/web/index\\.ts$', // the receipt verifier (WebCrypto only)
  '^src/public/taxonomy\\.ts$', // what the public may report: constant lists
  '^src/incidents/attachment-limits\\.ts$', // what an evidence file may be: media types, size limit
];
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'An import cycle (between folders or inside one) ties modules that should stand apart.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'platform-imports-only-platform',
      comment: 'src/platform knows no domain: it imports nothing above it.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: '^src/platform/' },
    },
    {
      name: 'access-and-formats-below-ledger',
      comment: 'access and formats sit on platform only (formats may not ask access, nor access formats).',
      severity: 'error',
      from: { path: '^src/(access|formats)/' },
      to: { path: '^src/', pathNot: '^src/(platform|$1)/' },
    },
    {
      name: 'ledger-below-domains',
      comment: 'The ledger imports only platform, access and formats.',
      severity: 'error',
      from: { path: '^src/ledger/' },
      to: { path: '^src/', pathNot: '^src/(platform|access|formats|ledger)/' },
    },
    {
      name: 'app-and-cli-are-composition-roots',
      comment: 'Nothing imports src/app or src/cli except each other (cli starts the app).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|cli)/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'app-does-not-import-cli',
      comment: 'The CLI composes the app, not the other way round.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'reach-folders-through-index',
      comment:
        'Another top-level folder is reached only through an index.ts (its own or a subfolder\'s): ' +
        'service functions and types, never its repository or its tables.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/',
        pathNot: ['^src/$1/', '^src/platform/', '^src/[^/]+/index\\.ts$', '^src/[^/]+/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'console-imports-only-schemas',
      comment:
        'The console reaches the server only over HTTP: from src/ it imports the contracts (a domain\'s ' +
        'schema.ts, or a *-schema.ts beside it) and the browser-safe modules (BROWSER_SAFE), nothing else.',
      severity: 'error',
      from: { path: '^console/src/' },
      to: {
        path: '^src/',
        pathNot: ['^src/[^/]+/schema\\.ts$', '^src/[^/]+/[a-z]+-schema\\.ts$', ...BROWSER_SAFE],
      },
    },
    {
      name: 'console-types-through-the-client',
      comment: 'Pages take the server\'s types from console/src/api.ts, the one typed client, not from src/.',
      severity: 'error',
      from: { path: '^console/src/', pathNot: '^console/src/api\\.ts$' },
      to: { path: '^src/', pathNot: BROWSER_SAFE },
    },
    {
      name: 'no-console-cycle',
      comment: 'No import cycle in the console either.',
      severity: 'error',
      from: { path: '^console/src/' },
      to: { circular: true },
    },
    {
      name: 'surfaces-export-no-repository',
      comment: 'An index.ts exports service functions and types, never repository functions (types are fine).',
      severity: 'error',
      from: { path: '^src/.+/index\\.ts$' },
      to: { path: '/repo\\.ts$', dependencyTypes: ['export'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
