// Incident categories: GB/T 20986-2023 (信息安全技术 网络安全事件分类分级指南, the Chinese
// national standard's ten categories) and the ENISA Reference Incident Classification Taxonomy
// (2018, its eleven top-level classes), each key prefixed by its taxonomy, with a mapping between
// them so an incident filed under one is counted under the other. The mapping is ours (the two
// do not map one to one); docs/incidents.md explains it.

export interface Category {
  key: string;
  label: string;
  /** The closest category of the other taxonomy. */
  maps: string;
}

export const CATEGORIES: readonly Category[] = [
  { key: 'gbt:malware', label: '恶意程序事件 Malicious program', maps: 'enisa:malicious-code' },
  { key: 'gbt:network-attack', label: '网络攻击事件 Network attack', maps: 'enisa:intrusions' },
  {
    key: 'gbt:data-security',
    label: '数据安全事件 Data security',
    maps: 'enisa:information-content-security',
  },
  {
    key: 'gbt:content-security',
    label: '信息内容安全事件 Information content',
    maps: 'enisa:abusive-content',
  },
  { key: 'gbt:equipment-failure', label: '设备设施故障事件 Equipment failure', maps: 'enisa:availability' },
  { key: 'gbt:violation', label: '违规操作事件 Improper operation', maps: 'enisa:other' },
  { key: 'gbt:hidden-danger', label: '安全隐患事件 Security hazard', maps: 'enisa:vulnerable' },
  {
    key: 'gbt:anomalous-behaviour',
    label: '异常行为事件 Anomalous behaviour',
    maps: 'enisa:information-gathering',
  },
  { key: 'gbt:force-majeure', label: '不可抗力事件 Force majeure', maps: 'enisa:availability' },
  { key: 'gbt:other', label: '其他事件 Other', maps: 'enisa:other' },
  {
    key: 'enisa:abusive-content',
    label: 'Abusive content (spam, harmful speech)',
    maps: 'gbt:content-security',
  },
  { key: 'enisa:malicious-code', label: 'Malicious code (ransomware, worm, trojan …)', maps: 'gbt:malware' },
  {
    key: 'enisa:information-gathering',
    label: 'Information gathering (scanning, sniffing)',
    maps: 'gbt:anomalous-behaviour',
  },
  {
    key: 'enisa:intrusion-attempts',
    label: 'Intrusion attempts (exploitation, login attempts)',
    maps: 'gbt:network-attack',
  },
  {
    key: 'enisa:intrusions',
    label: 'Intrusions (compromised account or system)',
    maps: 'gbt:network-attack',
  },
  {
    key: 'enisa:availability',
    label: 'Availability (DoS, DDoS, sabotage, outage)',
    maps: 'gbt:network-attack',
  },
  {
    key: 'enisa:information-content-security',
    label: 'Information content security (data leak, modification)',
    maps: 'gbt:data-security',
  },
  { key: 'enisa:fraud', label: 'Fraud (phishing, masquerade)', maps: 'gbt:network-attack' },
  { key: 'enisa:vulnerable', label: 'Vulnerable (weak or exposed system)', maps: 'gbt:hidden-danger' },
  { key: 'enisa:other', label: 'Other', maps: 'gbt:other' },
  { key: 'enisa:test', label: 'Test', maps: 'gbt:other' },
];

export const CATEGORY_KEYS = CATEGORIES.map((c) => c.key);

export function categoryOf(key: string): Category | undefined {
  return CATEGORIES.find((c) => c.key === key);
}
