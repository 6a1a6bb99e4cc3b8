// Bulwark's STIX extension definitions: the phone-number and SMS-sender observables (new SCO
// types, for telecom fraud, which STIX has no observable for) and the sharing-group marking (a
// property extension of marking-definition listing the organizations and users an object is shared
// with, the "explicit lists" beside TLP). Also the TLP 2.0 marking-definition objects as FIRST and
// OASIS publish them, for export.
import { TLP2_IDS, type TlpLevel } from '../../access/index.ts';
import { PHONE_TYPE, SMS_SENDER_TYPE } from './observables.ts';

export const BULWARK_IDENTITY = 'identity--6f0c0a56-4c7e-4d8e-9a39-2f3b6c1d9a10';
export const PHONE_EXTENSION_ID = 'extension-definition--2a4c6e80-1b3d-4f5a-8c7e-9d0f1a2b3c4d';
export const SHARING_EXTENSION_ID = 'extension-definition--7e1f3a5c-9b2d-4e6f-a8c0-1d3e5f7a9b2c';
/** The TLP 2.0 extension definition (FIRST) that the TLP 2.0 marking definitions carry. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

const CREATED = '2025-01-01T00:00:00.000Z';

export const PHONE_EXTENSION_DEFINITION = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: PHONE_EXTENSION_ID,
  created_by_ref: BULWARK_IDENTITY,
  created: CREATED,
  modified: CREATED,
  name: 'Bulwark telecom observables',
  description:
    `Two cyber-observable types for telecom fraud: ${PHONE_TYPE} (value: a phone number in E.164, e.g. +8613800138000) ` +
    `and ${SMS_SENDER_TYPE} (value: an SMS short code of 3 to 8 digits or an alphanumeric sender id, upper case). ` +
    `Patterns compare their value: [${PHONE_TYPE}:value = '+8613800138000'].`,
  schema: 'https://bulwark.example/stix/extensions/telecom-observables/v1',
  version: '1.0.0',
  extension_types: ['new-sco'],
};

export const SHARING_EXTENSION_DEFINITION = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: SHARING_EXTENSION_ID,
  created_by_ref: BULWARK_IDENTITY,
  created: CREATED,
  modified: CREATED,
  name: 'Bulwark sharing group',
  description:
    'A property extension of marking-definition: `organizations` (Bulwark organization ids) and `users` (user ids) ' +
    'the marked objects are shared with. TLP:AMBER and TLP:AMBER+STRICT objects reach the listed organizations; ' +
    'TLP:RED objects the listed users.',
  schema: 'https://bulwark.example/stix/extensions/sharing-group/v1',
  version: '1.0.0',
  extension_types: ['property-extension'],
};

/** A phone-number observable as Bulwark writes it (`value` must already be E.164). */
export function phoneObservable(id: string, e164: string): Record<string, unknown> {
  return {
    type: PHONE_TYPE,
    spec_version: '2.1',
    id,
    value: e164,
    extensions: { [PHONE_EXTENSION_ID]: { extension_type: 'new-sco' } },
  };
}

/** The sharing lists of a marking definition, when it carries Bulwark's sharing-group extension. */
export function sharingOf(marking: Record<string, unknown>): { orgs: string[]; users: string[] } | undefined {
  const ext = (marking.extensions as Record<string, Record<string, unknown>> | undefined)?.[
    SHARING_EXTENSION_ID
  ];
  if (!ext) return undefined;
  const list = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x)) : [];
  return { orgs: list(ext.organizations), users: list(ext.users) };
}

/** The TLP 2.0 marking-definition object of a level (FIRST's definitions, as OASIS publishes them). */
export function tlp2Definition(level: TlpLevel): Record<string, unknown> {
  const name = `TLP:${level.toUpperCase()}`;
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_IDS[level],
    created: '2022-10-01T00:00:00.000Z',
    name,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}
