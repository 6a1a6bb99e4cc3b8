// The public report page (/report): its own small bundle, no framework, mobile-first and
// accessible (labels on every field, one column, large targets), in English and Simplified
// Chinese. It fetches a proof-of-work challenge, solves it in the browser (altcha-lib, Web
// Crypto), files the report, uploads the chosen attachments with the receipt token (the server
// re-encodes images without their metadata) and shows the receipt once; with a receipt token it
// shows the status.
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';
import { asApiError, type PublicReportStatus, request } from '../api.ts';
import './report.css';

type Lang = 'en' | 'zh-CN';
const T: Record<Lang, Record<string, string>> = {
  en: {
    title: 'Report fraud, an intrusion or a privacy violation',
    intro: 'No account needed. Anonymous unless you leave a contact. We never open the links you report.',
    category: 'What happened?',
    method: 'How were you contacted?',
    region: 'Region (optional, e.g. BW-N)',
    narrative: 'What happened, in your words (up to 4,000 characters)',
    message: 'The message as you received it (optional)',
    observables: 'Phone numbers, links, accounts or wallets involved',
    obsType: 'Type',
    obsValue: 'Value',
    addObs: 'Add another',
    contact: 'Contact for status messages (optional, stored encrypted)',
    files: 'Photos or files (optional)',
    filesHint:
      'Up to 5 files of 5 MiB each: JPEG, PNG or WebP images (stored without their location and camera data), PDF or text. Screenshots help.',
    tooMany: 'Choose at most 5 files.',
    tooBig: 'is larger than 5 MiB.',
    badType: 'is not a JPEG, PNG, WebP, PDF or text file.',
    uploading: 'Uploading file {i} of {n}…',
    attached: 'Attached',
    notAttached: 'Not attached',
    submit: 'Send report',
    solving: 'Checking your browser (a few seconds)…',
    sending: 'Sending…',
    receipt: 'Report received',
    keep: 'Keep this receipt token: it is shown only once and is the only way to follow your report.',
    token: 'Receipt token',
    statusLink: 'Status page',
    status: 'Status',
    check: 'Check your report',
    error: 'Could not send',
    fraud: 'Fraud',
    intrusion: 'Intrusion',
    privacy: 'Privacy violation',
    lang: '中文',
  },
  'zh-CN': {
    title: '举报诈骗、入侵或侵犯个人信息',
    intro: '无需注册账号。除非您留下联系方式，否则为匿名举报。我们不会打开您举报的链接。',
    category: '发生了什么？',
    method: '对方通过什么方式联系您？',
    region: '地区（可选，例如 BW-N）',
    narrative: '请描述经过（最多 4,000 字）',
    message: '您收到的短信或消息原文（可选）',
    observables: '涉及的电话号码、链接、账户或钱包地址',
    obsType: '类型',
    obsValue: '内容',
    addObs: '再添加一项',
    contact: '接收进度通知的联系方式（可选，加密保存）',
    files: '照片或文件（可选）',
    filesHint:
      '最多 5 个文件，每个不超过 5 MiB：JPEG、PNG 或 WebP 图片（保存时去除位置和相机信息）、PDF 或文本文件。截图很有帮助。',
    tooMany: '最多选择 5 个文件。',
    tooBig: '超过 5 MiB。',
    badType: '不是 JPEG、PNG、WebP、PDF 或文本文件。',
    uploading: '正在上传第 {i} 个文件，共 {n} 个…',
    attached: '已附加',
    notAttached: '未能附加',
    submit: '提交举报',
    solving: '正在验证您的浏览器（几秒钟）…',
    sending: '正在提交…',
    receipt: '举报已收到',
    keep: '请保存此回执码：它只显示一次，是查询举报进度的唯一凭证。',
    token: '回执码',
    statusLink: '进度页面',
    status: '进度',
    check: '查询举报进度',
    error: '提交失败',
    fraud: '诈骗',
    intrusion: '入侵',
    privacy: '侵犯个人信息',
    lang: 'English',
  },
};

const CATEGORIES: Record<string, [string, string]> = {
  'fraud.investment': ['Investment scam', '投资理财诈骗'],
  'fraud.romance': ['Romance scam', '网络交友诈骗'],
  'fraud.impersonation-government': ['Someone posing as a government office', '冒充公检法/政府机关'],
  'fraud.impersonation-bank': ['Someone posing as a bank', '冒充银行/客服'],
  'fraud.shopping': ['Online shopping scam', '网购诈骗'],
  'fraud.job': ['Job or task scam', '刷单/招聘诈骗'],
  'fraud.loan': ['Loan scam', '贷款诈骗'],
  'fraud.tech-support': ['Fake tech support', '冒充技术支持'],
  'fraud.other': ['Other fraud', '其他诈骗'],
  'intrusion.account-takeover': ['My account was taken over', '账号被盗'],
  'intrusion.ransomware': ['Ransomware', '勒索软件'],
  'intrusion.malware': ['Malware', '恶意软件'],
  'intrusion.ddos': ['DDoS attack', 'DDoS 攻击'],
  'intrusion.defacement': ['Website defaced', '网站被篡改'],
  'privacy.data-leak': ['My personal data leaked', '个人信息泄露'],
  'privacy.illegal-collection': ['Data collected unlawfully', '非法收集个人信息'],
  'privacy.app-over-collection': ['An app collects too much', 'App 过度收集'],
  'privacy.unlawful-sharing': ['Data shared unlawfully', '非法提供个人信息'],
};
const METHODS: Record<string, [string, string]> = {
  call: ['Phone call', '电话'],
  sms: ['SMS', '短信'],
  email: ['E-mail', '电子邮件'],
  website: ['Website', '网站'],
  app: ['App', '应用程序'],
  'social-media': ['Social media', '社交媒体'],
  messenger: ['Messenger', '即时通讯'],
  other: ['Other', '其他'],
};
const OBS: Record<string, [string, string]> = {
  phone: ['Phone number', '电话号码'],
  'sender-id': ['SMS sender', '短信发送方'],
  url: ['Link (URL)', '链接'],
  domain: ['Website domain', '网站域名'],
  email: ['E-mail address', '邮箱地址'],
  iban: ['IBAN', 'IBAN'],
  'bank-account': ['Bank account', '银行账户'],
  wallet: ['Crypto wallet', '加密货币钱包'],
  'app-id': ['App id', '应用 ID'],
  'social-handle': ['Social account', '社交账号'],
};
// What the attachment API accepts (src/public/attachments.ts): at most 5 files of 5 MiB.
const FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'text/plain'];
const MAX_FILES = 5;
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** What is wrong with the chosen files, one line each (empty: they can be sent). */
function fileProblems(files: readonly File[]): string[] {
  const out: string[] = [];
  if (files.length > MAX_FILES) out.push(t('tooMany'));
  for (const f of files) {
    if (f.size > MAX_FILE_BYTES) out.push(`${f.name} ${t('tooBig')}`);
    else if (!FILE_TYPES.includes(f.type)) out.push(`${f.name} ${t('badType')}`);
  }
  return out;
}

// Which observable types each family suggests first (the guided form).
const SUGGEST: Record<string, string> = { fraud: 'phone', intrusion: 'url', privacy: 'app-id' };

let lang: Lang = navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
const root = document.getElementById('report-app')!;
const t = (k: string) => T[lang][k] ?? k;
const pick = (pair: [string, string]) => (lang === 'en' ? pair[0] : pair[1]);

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function reporterToken(): string {
  let v = localStorage.getItem('bulwark-reporter');
  if (!v) {
    const b = crypto.getRandomValues(new Uint8Array(24));
    v = btoa(String.fromCharCode(...b))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    localStorage.setItem('bulwark-reporter', v);
  }
  return v;
}

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), control);
}

function options(
  select: HTMLSelectElement,
  entries: Record<string, [string, string]>,
  empty?: string,
): HTMLSelectElement {
  if (empty !== undefined) select.append(el('option', { value: '' }, empty));
  for (const [v, pair] of Object.entries(entries)) select.append(el('option', { value: v }, pick(pair)));
  return select;
}

function observableRow(i: number, type: string): HTMLElement {
  const sel = options(el('select', { name: 'obs-type' }), OBS);
  sel.value = type;
  const input = el('input', { name: 'obs-value', autocomplete: 'off', maxlength: '2048', inputmode: 'text' });
  return el(
    'div',
    { class: 'obs' },
    field(`obs-type-${i}`, t('obsType'), sel),
    field(`obs-value-${i}`, t('obsValue'), input),
  );
}

function renderForm(): void {
  root.replaceChildren();
  document.documentElement.lang = lang;
  document.title = t('title');
  const switcher = el('button', { type: 'button', class: 'lang' }, t('lang'));
  switcher.onclick = () => {
    lang = lang === 'en' ? 'zh-CN' : 'en';
    renderForm();
  };
  const category = el('select', { required: '' });
  for (const fam of ['fraud', 'intrusion', 'privacy']) {
    const group = el('optgroup', { label: t(fam) });
    for (const [v, pair] of Object.entries(CATEGORIES))
      if (v.startsWith(`${fam}.`)) group.append(el('option', { value: v }, pick(pair)));
    category.append(group);
  }
  const method = options(el('select'), METHODS, '—');
  const region = el('input', { maxlength: '20', autocomplete: 'off' });
  const narrative = el('textarea', { maxlength: '4000', rows: '5', required: '' });
  const message = el('textarea', { maxlength: '1600', rows: '3' });
  const obsList = el('div', { class: 'obs-list' });
  let n = 0;
  const addObs = () => obsList.append(observableRow(n++, SUGGEST[category.value.split('.')[0]!] ?? 'phone'));
  addObs();
  category.onchange = () => {
    const first = obsList.querySelector('select') as HTMLSelectElement | null;
    if (first && !(obsList.querySelector('input') as HTMLInputElement).value)
      first.value = SUGGEST[category.value.split('.')[0]!] ?? 'phone';
  };
  const add = el('button', { type: 'button', class: 'secondary' }, t('addObs'));
  add.onclick = addObs;
  const contact = el('input', { maxlength: '254', autocomplete: 'email' });
  const files = el('input', {
    id: 'files',
    type: 'file',
    multiple: '',
    accept: FILE_TYPES.join(','),
    'aria-describedby': 'files-hint files-error',
  });
  const filesError = el('p', { id: 'files-error', class: 'field-error', role: 'alert', hidden: '' });
  const chosen = el('ul', { class: 'files', id: 'files-chosen' });
  const checkFiles = (): boolean => {
    const list = [...(files.files ?? [])];
    const problems = fileProblems(list);
    chosen.replaceChildren(
      ...list.map((f) => el('li', {}, `${f.name} (${Math.max(1, Math.round(f.size / 1024))} KiB)`)),
    );
    filesError.hidden = problems.length === 0;
    filesError.textContent = problems.join(' ');
    if (problems.length) files.setAttribute('aria-invalid', 'true');
    else files.removeAttribute('aria-invalid');
    return problems.length === 0;
  };
  files.onchange = checkFiles;
  const status = el('p', { role: 'status', class: 'progress' });
  const errorBox = el('div', { role: 'alert', class: 'error', hidden: '' });
  const submit = el('button', { type: 'submit' }, t('submit'));
  const form = el(
    'form',
    { novalidate: '' },
    field('category', t('category'), category),
    field('method', t('method'), method),
    field('region', t('region'), region),
    field('narrative', t('narrative'), narrative),
    field('message', t('message'), message),
    el('fieldset', {}, el('legend', {}, t('observables')), obsList, add),
    field('contact', t('contact'), contact),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'files' }, t('files')),
      el('p', { id: 'files-hint', class: 'hint' }, t('filesHint')),
      files,
      filesError,
      chosen,
    ),
    errorBox,
    submit,
    status,
  );
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    errorBox.hidden = true;
    if (!checkFiles()) {
      files.focus();
      return;
    }
    const toSend = [...(files.files ?? [])];
    submit.disabled = true;
    try {
      status.textContent = t('solving');
      const challenge = await request<Challenge>('GET', '/api/v1/public/challenge');
      const solution = await solveChallenge({ challenge, deriveKey });
      if (!solution) throw new Error('proof of work timed out');
      status.textContent = t('sending');
      const observables = [...obsList.querySelectorAll('.obs')]
        .map((row) => ({
          type: (row.querySelector('select') as HTMLSelectElement).value,
          value: (row.querySelector('input') as HTMLInputElement).value.trim(),
        }))
        .filter((o) => o.value);
      const body = {
        category: category.value,
        ...(method.value ? { contactMethod: method.value } : {}),
        ...(region.value.trim() ? { region: region.value.trim() } : {}),
        narrative: narrative.value,
        ...(message.value.trim() ? { message: message.value } : {}),
        observables,
        ...(contact.value.trim() ? { contact: contact.value.trim() } : {}),
        reporterToken: reporterToken(),
        language: lang,
        pow: {
          challenge: { parameters: challenge.parameters, signature: challenge.signature },
          solution: { counter: solution.counter, derivedKey: solution.derivedKey },
        },
      };
      const receipt = await request<Parameters<typeof renderReceipt>[0]>('POST', '/api/v1/public/reports', {
        body,
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      // The report is filed: each file goes with its receipt token; one that fails is named on the
      // receipt page (the receipt is shown in any case, only once).
      const uploads: Upload[] = [];
      for (const [i, f] of toSend.entries()) {
        status.textContent = t('uploading')
          .replace('{i}', String(i + 1))
          .replace('{n}', String(toSend.length));
        try {
          await request('POST', '/api/v1/public/reports/attachments', {
            raw: { bytes: f, type: f.type },
            headers: { 'x-receipt-token': receipt.receiptToken },
          });
          uploads.push({ name: f.name, ok: true });
        } catch (err) {
          const e = asApiError(err);
          uploads.push({ name: f.name, ok: false, why: e.detail || e.title });
        }
      }
      renderReceipt(receipt, uploads);
    } catch (err) {
      errorBox.hidden = false;
      const e = asApiError(err);
      errorBox.textContent = `${t('error')}: ${e.detail || e.title}`;
      status.textContent = '';
      submit.disabled = false;
    }
  };
  root.append(el('header', {}, el('h1', {}, t('title')), switcher), el('p', {}, t('intro')), form);
}

interface Upload {
  name: string;
  ok: boolean;
  why?: string;
}

function renderReceipt(
  r: {
    id: string;
    receiptToken: string;
    statusUrl: string;
    ledger: { kind: string; state: string };
  },
  uploads: readonly Upload[] = [],
): void {
  root.replaceChildren(
    el('h1', { tabindex: '-1', id: 'receipt-heading' }, t('receipt')),
    el('p', { class: 'warn' }, t('keep')),
    el(
      'dl',
      {},
      el('dt', {}, t('token')),
      el('dd', {}, el('code', { id: 'receipt-token' }, r.receiptToken)),
      el('dt', {}, 'ID'),
      el('dd', { id: 'report-id' }, r.id),
    ),
    ...(uploads.length
      ? [
          el(
            'ul',
            { class: 'files', id: 'uploads' },
            ...uploads.map((u) =>
              el(
                'li',
                u.ok ? {} : { class: 'failed' },
                `${u.ok ? t('attached') : t('notAttached')}: ${u.name}${u.why ? ` — ${u.why}` : ''}`,
              ),
            ),
          ),
        ]
      : []),
    el('p', {}, el('a', { href: `/report#status=${r.receiptToken}`, id: 'status-link' }, t('statusLink'))),
  );
  (document.getElementById('receipt-heading') as HTMLElement).focus();
}

async function renderStatus(token: string): Promise<void> {
  root.replaceChildren(el('h1', {}, t('status')), el('p', { role: 'status' }, '…'));
  let s: PublicReportStatus;
  try {
    s = await request<PublicReportStatus>('GET', '/api/v1/public/reports/status', {
      headers: { 'x-receipt-token': token },
    });
  } catch (err) {
    const e = asApiError(err);
    root.replaceChildren(el('h1', {}, t('status')), el('p', { role: 'alert' }, e.detail || e.title));
    return;
  }
  const list = el('ol', { class: 'timeline', id: 'timeline' });
  for (const step of s.timeline as {
    step: string;
    at: string | null;
    count?: number;
    of?: number;
    detail?: string;
  }[])
    list.append(
      el(
        'li',
        {},
        `${step.step}${step.count !== undefined ? ` (${step.count}${step.of !== undefined ? ` of ${step.of}` : ''})` : ''}${step.detail ? ` ${step.detail}` : ''}${step.at ? ` — ${new Date(step.at).toLocaleString(lang)}` : ''}`,
      ),
    );
  root.replaceChildren(
    el('h1', {}, t('status')),
    el('p', { id: 'report-status' }, `${s.status}`),
    list,
    el('p', {}, `Ledger: ${s.ledger.state}${s.ledger.leafIndex !== null ? ` #${s.ledger.leafIndex}` : ''}`),
    ...(s.ledger.receipt
      ? [
          el(
            'details',
            {},
            el('summary', {}, 'Receipt (C2SP tlog-proof)'),
            el('pre', { id: 'ledger-receipt' }, s.ledger.receipt),
          ),
        ]
      : []),
  );
}

function route(): void {
  const m = /status=(bwr_[A-Za-z0-9_-]{43})/.exec(location.hash);
  if (m) void renderStatus(m[1]!);
  else renderForm();
}
window.addEventListener('hashchange', route);
route();
