/**
 * 协同转介 in the browser (issue 13, item 7): a street supervisor refers a case to the police
 * from the case page; the police liaison, on a phone, finds it in its inbox, reads the
 * need-to-know view (the child's name, age, sex, categories and the referral's note — not the
 * narrative nor the reporter), accepts it and completes it with an outcome; the supervisor
 * sees each state on the case page; the admin keeps the agency registry. Axe on every new page.
 */
import type { Page } from 'playwright-core';
import { checkPage, DEMO_PASSWORD, expectAttribute, DESKTOP, login, newPage, pageErrors, PHONE, Stack, StackApi, startStack } from '../helpers/browser';
import { caseBody, dateShifted, uniqueChildName } from '../helpers/cases';

const POLICE = '宝安公安分局新安派出所';

jest.setTimeout(120_000);

describe('协同转介 in the browser (e2e)', () => {
  let stack: Stack;
  let http: StackApi;
  /** A case of sup-xa in assessing, with a narrative and a reporter the liaison must never see. */
  const filed = {
    id: '',
    caseNo: '',
    childName: uniqueChildName(),
    narrative: `走访发现儿童独自在家，邻居反映长期无人照料。标记${Date.now()}`,
    reporter: `报告人${Date.now() % 100000}`,
    note: `请派出所协助核实监护人去向并出具告诫书。转介${Date.now() % 100000}`,
    outcome: '已联系监护人并出具家庭教育指导告诫书。',
  };

  beforeAll(async () => {
    stack = await startStack();
    http = new StackApi(stack.api.url, DEMO_PASSWORD);
    const community = ((await http.expect(200, 'dir-xa-01', 'GET', '/api/me')) as unknown as { jurisdiction: { id: string } }).jurisdiction.id;
    let c = await http.expect(
      201,
      'dir-xa-01',
      'POST',
      '/api/cases',
      caseBody(community, {
        child: { name: filed.childName, sex: 'male', birthDate: dateShifted(-9, -30) },
        report: { reporterName: filed.reporter, narrative: filed.narrative },
      }),
    );
    const sup = (await http.expect(200, 'sup-xa', 'GET', '/api/me')) as unknown as { id: string };
    c = await http.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: sup.id });
    expect(c.status).toBe('assessing');
    Object.assign(filed, { id: c.id, caseNo: c.caseNo });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Nothing wider than the viewport: the page never scrolls sideways. */
  async function expectNoSidewaysScroll(page: Page): Promise<void> {
    const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    expect(scroll).toBeLessThanOrEqual(client);
  }

  const referralItem = (page: Page) => page.getByTestId('referrals-section').locator('li[data-referral-id]');

  it('the supervisor refers the case to the police from the case page', async () => {
    const { context, page } = await newPage(stack, DESKTOP);
    try {
      await login(page, 'sup-xa');
      await page.goto(`/cases/${filed.id}`);
      await page.getByRole('heading', { level: 1, name: `案件 ${filed.caseNo}` }).waitFor();
      const section = page.getByTestId('referrals-section');
      await section.getByText('尚未转介其他单位').waitFor();

      await section.getByRole('button', { name: '转介', exact: true }).click();
      const d = page.getByRole('dialog', { name: '转介协同单位' });
      await d.waitFor();
      // Only active agencies of the district are offered; the police station is one.
      const options = await d.getByLabel('协同单位').locator('option').allInnerTexts();
      expect(options).toContain(`${POLICE}（公安/派出所）`);
      await d.getByLabel('协同单位').selectOption({ label: `${POLICE}（公安/派出所）` });
      await d.getByLabel('服务事项').fill('核实监护情况并出具告诫书');
      await d.getByLabel('转介说明').fill(filed.note);
      await checkPage(page, 'refer-dialog-desktop');
      await d.getByTestId('dialog-submit').click();
      await d.waitFor({ state: 'hidden' });

      const item = referralItem(page);
      await item.first().waitFor();
      await expect(item.count()).resolves.toBe(1);
      await expectAttribute(item.first(), 'data-referral-status', 'pending');
      await expect(item.first().innerText()).resolves.toContain(POLICE);
      await expect(item.first().innerText()).resolves.toContain('待回应');
      // The answer's countdown (协同单位答复) runs.
      await expect(item.first().innerText()).resolves.toMatch(/还剩|已超时/);
      await checkPage(page, 'case-referrals-desktop');

      // The API agrees: one pending referral to the police station, with both deadlines.
      const list = (await http.expect(200, 'sup-xa', 'GET', `/api/referrals?caseId=${filed.id}`)) as unknown as
        { status: string; respondBy: string; dueAt: string }[] | { items: { status: string; respondBy: string; dueAt: string }[] };
      const rows = Array.isArray(list) ? list : list.items;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'pending', respondBy: expect.any(String), dueAt: expect.any(String) });
    } finally {
      await context.close();
    }
  });

  it('the police liaison, on a phone, finds it in the inbox, reads only what it needs, accepts and completes it', async () => {
    const { context, page } = await newPage(stack, PHONE);
    try {
      await login(page, 'liaison-police');
      // A liaison lands on its inbox, which is a tab of the bottom bar.
      await page.waitForURL('**/referrals');
      await page.getByRole('heading', { level: 1, name: '转介收件箱' }).waitFor();
      await page.getByRole('navigation', { name: '底部导航' }).getByRole('link', { name: '转介收件箱' }).waitFor();
      const card = page.locator(`li[data-case-no="${filed.caseNo}"]`);
      await card.waitFor();
      await expectAttribute(card, 'data-status', 'pending');
      await expect(card.innerText()).resolves.toMatch(/待回应/);
      await expect(card.innerText()).resolves.toMatch(/协同单位答复 · (还剩|已超时)/);
      // The list never shows the full name.
      await expect(page.getByText(filed.childName).count()).resolves.toBe(0);
      await expectNoSidewaysScroll(page);
      await checkPage(page, 'referral-inbox-phone');

      await card.getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: `转介 ${filed.caseNo}` }).waitFor();
      const child = page.getByTestId('referral-child');
      await expect(child.innerText()).resolves.toContain(filed.childName);
      await expect(child.innerText()).resolves.toContain('9 岁');
      await expect(child.innerText()).resolves.toContain('男');
      await expect(child.innerText()).resolves.toContain('N04');
      await expect(page.getByTestId('referral-request').innerText()).resolves.toContain(filed.note);
      // Never the narrative or the reporter: not on the page, not in what the API sent.
      const body = await page.locator('body').innerText();
      expect(body).not.toContain(filed.narrative);
      expect(body).not.toContain(filed.reporter);
      const html = await page.content();
      expect(html).not.toContain(filed.narrative);
      expect(html).not.toContain(filed.reporter);
      await expectNoSidewaysScroll(page);
      await checkPage(page, 'referral-pending-phone');

      await page.getByRole('button', { name: '接收' }).click();
      await page.locator('.referral-page[data-referral-status="accepted"]').waitFor();
      await expect(page.getByTestId('referral-request').innerText()).resolves.toMatch(/协同单位办结 · (还剩|已超时)/);

      await page.getByRole('button', { name: '办结' }).click();
      const d = page.getByRole('dialog', { name: '办结转介' });
      await d.waitFor();
      // An empty outcome is refused in the form.
      await d.getByTestId('dialog-submit').click();
      await d.getByText('请填写办理结果').waitFor();
      await d.getByLabel('办理结果').fill(filed.outcome);
      await expectNoSidewaysScroll(page);
      await checkPage(page, 'referral-complete-dialog-phone');
      await d.getByTestId('dialog-submit').click();
      await d.waitFor({ state: 'hidden' });
      await page.locator('.referral-page[data-referral-status="done"]').waitFor();
      await expect(page.getByTestId('referral-request').innerText()).resolves.toContain(filed.outcome);
      await expect(page.getByTestId('referral-actions').count()).resolves.toBe(0);
      await checkPage(page, 'referral-done-phone');

      // Finished referrals leave the default (to-do) list and show under 已结束.
      await page.goto('/referrals');
      await page.getByRole('heading', { level: 1, name: '转介收件箱' }).waitFor();
      // Other tests refer cases to the police station at the same time: the open list holds theirs, not this one.
      await page.locator('li[data-referral-id], .ant-empty').first().waitFor();
      await expect(page.locator(`li[data-case-no="${filed.caseNo}"]`).count()).resolves.toBe(0);
      await page.getByText('已结束', { exact: true }).click();
      await page.locator(`li[data-case-no="${filed.caseNo}"][data-status="done"]`).waitFor();
    } finally {
      await context.close();
    }
  });

  it('the supervisor sees the states on the case page; a liaison of another agency gets a plain 404', async () => {
    const { context, page } = await newPage(stack, DESKTOP);
    try {
      await login(page, 'sup-xa');
      await page.goto(`/cases/${filed.id}`);
      await page.getByRole('heading', { level: 1, name: `案件 ${filed.caseNo}` }).waitFor();
      const item = referralItem(page).first();
      await item.waitFor();
      await expectAttribute(item, 'data-referral-status', 'done');
      const text = await item.innerText();
      expect(text).toContain('已办结');
      expect(text).toContain(filed.outcome);
      // A finished referral cannot be revoked.
      await expect(item.getByRole('button', { name: /^撤回转介/ }).count()).resolves.toBe(0);
      // The timeline has each step.
      await page.goto(`/cases/${filed.id}/timeline`);
      for (const type of ['referral.created', 'referral.accepted', 'referral.completed']) await page.locator(`[data-event-type="${type}"]`).first().waitFor();
      // In words, not codes.
      const timeline = await page.locator('[data-event-type^="referral."]').allInnerTexts();
      expect(timeline.join('\n')).toEqual(expect.stringContaining('协同单位接收转介'));
      expect(timeline.join('\n')).not.toContain('referral.accepted');
      await checkPage(page, 'case-referral-timeline-desktop');
    } finally {
      await context.close();
    }

    const listed = (await http.expect(200, 'sup-xa', 'GET', `/api/referrals?caseId=${filed.id}`)) as unknown as { items: { id: string }[] };
    const id = listed.items[0].id;
    const other = await newPage(stack, PHONE);
    try {
      await login(other.page, 'liaison-school');
      await other.page.waitForURL('**/referrals');
      await other.page.locator('li[data-referral-id], .ant-empty').first().waitFor();
      await expect(other.page.locator(`li[data-case-no="${filed.caseNo}"]`).count()).resolves.toBe(0);
      await other.page.goto(`/referrals/${id}`);
      await other.page.locator('[data-testid="error-page"][data-status="404"]').waitFor();
      await expect(other.page.locator('body').innerText()).resolves.not.toContain(filed.childName);
    } finally {
      await other.context.close();
    }
  });

  it('the supervisor revokes an open referral with a reason', async () => {
    const { context, page } = await newPage(stack, DESKTOP);
    try {
      await login(page, 'sup-xa');
      await page.goto(`/cases/${filed.id}`);
      const section = page.getByTestId('referrals-section');
      await section.getByRole('button', { name: '转介', exact: true }).click();
      const d = page.getByRole('dialog', { name: '转介协同单位' });
      await d.getByLabel('协同单位').selectOption({ label: '宝安区人民医院（卫健/医院）' });
      await d.getByLabel('服务事项').fill('体检');
      await d.getByLabel('转介说明').fill('请安排儿童体检。');
      await d.getByTestId('dialog-submit').click();
      await d.waitFor({ state: 'hidden' });
      const pending = section.locator('li[data-referral-status="pending"]').filter({ hasText: '宝安区人民医院' });
      await pending.waitFor();

      await pending.getByRole('button', { name: /^撤回转介/ }).click();
      const r = page.getByRole('dialog', { name: '撤回转介' });
      await r.getByTestId('dialog-submit').click();
      await r.getByText('请填写撤回原因').waitFor();
      await r.getByLabel('撤回原因').fill('监护人已自行带儿童就医。');
      await checkPage(page, 'revoke-dialog-desktop');
      await r.getByTestId('dialog-submit').click();
      await r.waitFor({ state: 'hidden' });
      const revoked = section.locator('li[data-referral-status="revoked"]');
      await revoked.waitFor();
      await expect(revoked.innerText()).resolves.toContain('监护人已自行带儿童就医。');
    } finally {
      await context.close();
    }
  });

  it('the court liaison follows its notification to the referral and declines it with a reason; the supervisor sees why', async () => {
    // Set-up through the API: sup-xa refers the case to the court.
    const agencies = (await http.expect(200, 'sup-xa', 'GET', '/api/agencies')) as unknown as { id: string; name: string }[];
    const court = agencies.find((a) => a.name === '宝安区人民法院');
    expect(court).toBeDefined();
    await http.expect(201, 'sup-xa', 'POST', `/api/cases/${filed.id}/referrals`, {
      agencyId: court?.id,
      service: '人身安全保护令咨询',
      note: '请法院就人身安全保护令申请提供指导。',
    });
    const reason = '本案暂不符合人身安全保护令的申请条件，建议先由公安出具告诫书。';

    const { context, page } = await newPage(stack, PHONE);
    try {
      await login(page, 'liaison-court');
      await page.goto('/notifications');
      const note = page.locator('li').filter({ hasText: '新的转介' }).filter({ hasText: filed.caseNo });
      await note.getByRole('link', { name: '查看案件' }).click();
      // A liaison never opens the case: the link leads to that case's referrals in its inbox.
      await page.waitForURL(`**/referrals?case=${filed.id}`);
      const card = page.locator(`li[data-case-no="${filed.caseNo}"][data-status="pending"]`);
      await card.getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: `转介 ${filed.caseNo}` }).waitFor();

      await page.getByRole('button', { name: '拒绝' }).click();
      const d = page.getByRole('dialog', { name: '拒绝转介' });
      // The form is in place (not only the dialog's frame, still opening on a busy machine) before an empty submit.
      await d.getByLabel('拒绝理由').waitFor();
      await d.getByTestId('dialog-submit').click();
      await d.getByText('拒绝须写明理由').waitFor();
      await d.getByLabel('拒绝理由').fill(reason);
      await checkPage(page, 'referral-decline-dialog-phone');
      await d.getByTestId('dialog-submit').click();
      await d.waitFor({ state: 'hidden' });
      await page.locator('.referral-page[data-referral-status="declined"]').waitFor();
      await expect(page.getByTestId('referral-request').innerText()).resolves.toContain(reason);
    } finally {
      await context.close();
    }

    const desk = await newPage(stack, DESKTOP);
    try {
      await login(desk.page, 'sup-xa');
      await desk.page.goto(`/cases/${filed.id}`);
      const declined = referralItem(desk.page).filter({ hasText: '宝安区人民法院' });
      await declined.waitFor();
      await expectAttribute(declined, 'data-referral-status', 'declined');
      await expect(declined.innerText()).resolves.toContain(`拒绝理由：${reason}`);
      await expect(declined.getByRole('button', { name: /^撤回转介/ }).count()).resolves.toBe(0);
    } finally {
      await desk.context.close();
    }
  });

  it('the admin keeps the agency registry and gives a new liaison its agency', async () => {
    const name = `测试协同单位${Date.now() % 1_000_000}`;
    for (const viewport of [DESKTOP, PHONE]) {
      const { context, page } = await newPage(stack, viewport);
      try {
        await login(page, 'admin');
        await page.goto('/admin/agencies');
        await page.getByRole('heading', { level: 1, name: '协同单位' }).waitFor();
        await page.locator(`tr[data-agency-name="${POLICE}"]`).waitFor();
        await checkPage(page, `agencies-${viewport === PHONE ? 'phone' : 'desktop'}`);
      } finally {
        await context.close();
      }
    }

    const { context, page } = await newPage(stack, DESKTOP);
    try {
      await login(page, 'admin');
      await page.goto('/admin/agencies');
      await page.getByRole('button', { name: '新增协同单位' }).click();
      const d = page.getByRole('dialog', { name: '新增协同单位' });
      await d.getByLabel('类别').selectOption('education');
      await d.getByLabel('单位名称').fill(name);
      await checkPage(page, 'agency-dialog-desktop');
      await d.getByTestId('dialog-submit').click();
      await d.waitFor({ state: 'hidden' });
      const row = page.locator(`tr[data-agency-name="${name}"]`);
      await row.waitFor();
      await expectAttribute(row, 'data-active', 'true');

      // Renamed.
      await row.getByRole('button', { name: `修改 ${name}` }).click();
      const e = page.getByRole('dialog', { name: `修改协同单位：${name}` });
      await e.getByLabel('单位名称').fill(`${name}（分校）`);
      await e.getByTestId('dialog-submit').click();
      await e.waitFor({ state: 'hidden' });
      const renamed = page.locator(`tr[data-agency-name="${name}（分校）"]`);
      await renamed.waitFor();

      // A new liaison needs an agency; the new one is offered.
      await page.goto('/admin/users');
      await page.locator('tr[data-username]').first().waitFor();
      await page.getByRole('button', { name: '新建用户' }).click();
      const u = page.getByRole('dialog', { name: '新建用户' });
      await u.getByLabel('角色').selectOption('agency_liaison');
      const agencyPicker = u.getByLabel('所属协同单位');
      await agencyPicker.waitFor();
      await expect(agencyPicker.locator('option').allInnerTexts()).resolves.toContain(`${name}（分校）（教育/学校）`);
      await u.getByRole('button', { name: '取消' }).click();

      // Deactivated: no longer offered for referrals.
      await page.goto('/admin/agencies');
      await page.getByRole('button', { name: `停用 ${name}（分校）` }).click();
      const off = page.getByRole('dialog', { name: `停用协同单位：${name}（分校）` });
      await off.getByTestId('dialog-submit').click();
      await off.waitFor({ state: 'hidden' });
      await page.locator(`tr[data-agency-name="${name}（分校）"][data-active="false"]`).waitFor();
      type AgencyRow = { name: string; active: boolean; kind: string };
      const answer = (await http.expect(200, 'admin', 'GET', '/api/agencies')) as unknown as AgencyRow[] | { items: AgencyRow[] };
      const agencies = Array.isArray(answer) ? answer : answer.items;
      expect(agencies.find((a) => a.name === `${name}（分校）`)).toMatchObject({ kind: 'education', active: false });
      expect(pageErrors(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
