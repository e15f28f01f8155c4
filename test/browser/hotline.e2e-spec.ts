/**
 * 一门受理 in the browser (issue 13 items 1 and 7): the 12345-6 hotline logs in on a phone,
 * lands on its filing page, files an unlocated report (地点不明: no community, the place as
 * the caller told it) and one for a community of another street, and sees both in
 * "我提交的报告". District staff find the unlocated one under 未定位 in the queue and route it
 * to a community with `transfer`; that street's supervisor then has it in the queue. Axe on
 * each page. Real stack: the compiled api serving the built console, PostgreSQL, Redis,
 * Debian's Chromium.
 */
import type { Page } from 'playwright-core';
import { checkPage, DEMO_PASSWORD, expectAttribute, DESKTOP, login, newPage, PHONE, Stack, StackApi, startStack } from '../helpers/browser';
import { randomBirthDate, uniqueChildName } from '../helpers/cases';

jest.setTimeout(180_000);

interface Filed {
  caseNo: string;
  id?: string;
  childName: string;
  location?: string;
}

interface ListPage {
  items: { id: string; caseNo: string; status: string; communityId: string | null; streetId: string | null }[];
}

describe('hotline intake in the browser (e2e)', () => {
  let stack: Stack;
  let api: StackApi;
  const unlocated: Partial<Filed> = {};
  const located: Partial<Filed> = {};

  beforeAll(async () => {
    stack = await startStack();
    api = new StackApi(stack.api.url, DEMO_PASSWORD);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const list = (username: string, query: string) => api.expect(200, username, 'GET', `/api/cases?${query}`) as unknown as Promise<ListPage>;

  /** Steps 1–2 of the form: the child, then the situation with the community picker. */
  async function fillChildAndSituation(page: Page, childName: string, where: { community: string } | { location: string }): Promise<void> {
    await page.getByRole('heading', { level: 2, name: /^第 1 步/ }).waitFor();
    await page.getByRole('textbox', { name: '儿童姓名' }).fill(childName);
    await page.getByRole('radio', { name: '男', exact: true }).check();
    const birth = page.getByLabel('出生日期');
    await birth.fill(randomBirthDate(5, 12));
    await birth.press('Enter');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 2, name: /^第 2 步/ }).waitFor();
    await page.getByRole('checkbox', { name: /^N04/ }).check();
    const picker = page.getByLabel('所属社区');
    if ('community' in where) {
      await picker.selectOption({ label: where.community });
      await page.getByRole('textbox', { name: '发现地点（选填）' }).waitFor();
    } else {
      await picker.selectOption('unlocated');
      // 地点不明 makes the place required: "下一步" stays on the step until it is given.
      // (the required field's name carries antd's "*" mark: matched without exact)
      const place = page.getByRole('textbox', { name: /发现地点$/ });
      await page.getByLabel('情况描述').fill('热线来电：儿童长时间独自在家，无人照料。');
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByText('地点不明时须写明来电人所说的地点').first().waitFor();
      await expect(page.getByRole('heading', { level: 2, name: /^第 2 步/ }).isVisible()).resolves.toBe(true);
      await checkPage(page, 'hotline-unlocated-step-phone');
      await place.fill(where.location);
    }
    await page.getByLabel('情况描述').fill('热线来电：儿童长时间独自在家，无人照料。');
    await page.getByRole('button', { name: '下一步' }).click();
  }

  /** Steps 3–6: risk R3, the reporter (the hotline, chosen already), no police needed, submit. */
  async function finishAndSubmit(page: Page, review: RegExp): Promise<string> {
    await page.getByRole('heading', { level: 2, name: /^第 3 步/ }).waitFor();
    await page.getByRole('radio', { name: /^R3 中/ }).check();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 2, name: /^第 4 步/ }).waitFor();
    await expect(page.getByRole('radio', { name: /12345-6 热线/ }).isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 2, name: /^第 5 步/ }).waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 2, name: /^第 6 步/ }).waitFor();
    await expect(page.locator('main').innerText()).resolves.toMatch(review);
    await page.getByRole('button', { name: '提交报告' }).click();
    await page.getByRole('heading', { level: 1, name: '报告已提交' }).waitFor();
    const caseNo = (await page.getByTestId('case-no').innerText()).trim();
    expect(caseNo).toMatch(/^BA-\d{4}-\d{6}$/);
    return caseNo;
  }

  it('the hotline files an unlocated report and one for a community, and sees both in its list (phone)', async () => {
    const { context, page } = await newPage(stack, PHONE);
    try {
      await login(page, 'hotline');
      // Its home is the filing page.
      await page.waitForURL('**/hotline/new');
      await page.getByRole('heading', { level: 1, name: '热线接报' }).waitFor();
      await checkPage(page, 'hotline-new-phone');

      // ── Unlocated: 地点不明 + the place as told ──────────────────────────────────────
      unlocated.childName = uniqueChildName();
      unlocated.location = `宝安区某公园东门（来电所述）${Date.now() % 10000}`;
      await fillChildAndSituation(page, unlocated.childName, { location: unlocated.location });
      unlocated.caseNo = await finishAndSubmit(page, /所属社区\s*地点不明（未定位）/);
      await page.getByTestId('unlocated-notice').waitFor();
      await checkPage(page, 'hotline-filed-unlocated-phone');

      // ── For a community of another street (西乡街道 固戍社区) ─────────────────────────
      await page.getByRole('button', { name: '再报一个' }).click();
      located.childName = uniqueChildName();
      await fillChildAndSituation(page, located.childName, { community: '固戍社区' });
      located.caseNo = await finishAndSubmit(page, /所属社区\s*.*固戍社区/);
      await expect(page.getByTestId('unlocated-notice').count()).resolves.toBe(0);

      // ── 我提交的报告, from the bottom tab bar ─────────────────────────────────────────
      await page.getByRole('navigation', { name: '底部导航' }).getByRole('link', { name: '我提交的报告' }).click();
      await page.getByRole('heading', { level: 1, name: '我提交的报告' }).waitFor();
      const mine = page.getByRole('list', { name: '我提交的报告' });
      const rowU = mine.locator(`li[data-case-no="${unlocated.caseNo}"]`);
      const rowL = mine.locator(`li[data-case-no="${located.caseNo}"]`);
      await rowU.waitFor();
      await rowL.waitFor();
      await expectAttribute(rowU, 'data-unlocated', 'true');
      await expectAttribute(rowU, 'data-status', 'submitted');
      await expect(rowU.getByTestId('unlocated-tag').innerText()).resolves.toContain('未定位');
      await expectAttribute(rowL, 'data-unlocated', 'false');
      await expect(rowL.innerText()).resolves.toContain('固戍社区');
      await checkPage(page, 'hotline-reports-phone');

      // ── Its own report's page: 未定位 with the place as told; it may add the child's guardian ──
      await rowU.getByRole('link', { name: unlocated.caseNo }).click();
      await page.getByRole('heading', { level: 1, name: `案件 ${unlocated.caseNo}` }).waitFor();
      await expect(page.getByTestId('case-unlocated').innerText()).resolves.toContain(unlocated.location);
      await expect(page.getByRole('link', { name: /时间线/ }).count()).resolves.toBe(0);
      await page.getByRole('button', { name: '添加监护人/家庭成员' }).click();
      const dialog = page.getByRole('dialog', { name: '添加监护人/家庭成员' });
      await dialog.getByLabel('姓名').fill('来电人所述的祖母');
      await dialog.getByLabel('与儿童关系').selectOption('grandparent');
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('director-guardians').locator('li[data-guardian-relation="grandparent"]').waitFor();
      await checkPage(page, 'hotline-case-phone');
      await page.getByRole('link', { name: '返回我提交的报告' }).click();
      await page.getByRole('heading', { level: 1, name: '我提交的报告' }).waitFor();
    } finally {
      await context.close();
    }

    // The API agrees: the unlocated case has no community and street; the other is in 固戍社区.
    const [u] = (await list('district1', `q=${unlocated.caseNo}`)).items;
    const [l] = (await list('district1', `q=${located.caseNo}`)).items;
    expect(u).toMatchObject({ caseNo: unlocated.caseNo, status: 'submitted', communityId: null, streetId: null });
    expect(l.communityId).toEqual(expect.any(String));
    unlocated.id = u.id;
    located.id = l.id;
  });

  it('district staff find it under 未定位 and route it to a community; that street’s supervisor has it in the queue', async () => {
    expect(unlocated.id).toBeDefined();
    const { context, page } = await newPage(stack, DESKTOP);
    try {
      await login(page, 'district1');
      await page.goto('/queue');
      await page
        .getByRole('navigation', { name: '队列视图' })
        .getByRole('link', { name: /^未定位 Unlocated/ })
        .click();
      await page.waitForURL(/[?&]unlocated=1/);
      const table = page.getByRole('region', { name: '案件列表' });
      const row = table.locator(`tr[data-case-no="${unlocated.caseNo}"]`);
      await row.waitFor();
      await expectAttribute(row, 'data-unlocated', 'true');
      // Only unlocated cases in this view.
      await expect(table.locator(`tr[data-case-no="${located.caseNo}"]`).count()).resolves.toBe(0);
      await expect(table.locator('tr[data-unlocated="false"]').count()).resolves.toBe(0);
      await checkPage(page, 'queue-unlocated-desktop');

      await row.getByRole('link', { name: unlocated.caseNo as string }).click();
      await page.getByRole('heading', { level: 1, name: `案件 ${unlocated.caseNo}` }).waitFor();
      await expect(page.locator('main').innerText()).resolves.toContain(unlocated.location as string);
      await page.getByRole('region', { name: '可进行的操作' }).getByRole('button', { name: '移交其他社区', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: '移交其他社区' });
      await dialog.waitFor();
      await expect(dialog.innerText()).resolves.toContain('未定位');
      await dialog.getByLabel('移交至社区').selectOption({ label: '上川社区' });
      await dialog.getByLabel('移交原因').fill('按来电所述地点，属新安街道上川社区。');
      await checkPage(page, 'route-unlocated-dialog-desktop');
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'hidden' });

      // Routed: no longer under 未定位.
      await page.goto('/queue?unlocated=1');
      await page
        .getByTestId('queue-count')
        .getByText(/^已显示/)
        .waitFor();
      await expect(page.locator(`tr[data-case-no="${unlocated.caseNo}"]`).count()).resolves.toBe(0);
    } finally {
      await context.close();
    }

    const [routed] = (await list('district1', `q=${unlocated.caseNo}`)).items;
    expect(routed.communityId).toEqual(expect.any(String));
    expect(routed.streetId).toEqual(expect.any(String));

    // 新安街道's supervisor now has it in the queue, with its community.
    const { context: supContext, page: sup } = await newPage(stack, DESKTOP);
    try {
      await login(sup, 'sup-xa');
      await sup.goto(`/queue?q=${unlocated.caseNo}`);
      const row = sup.locator(`tr[data-case-no="${unlocated.caseNo}"]`);
      await row.waitFor();
      await expectAttribute(row, 'data-unlocated', 'false');
      await expect(row.innerText()).resolves.toContain('上川社区');
      // No 未定位 view for a street.
      await expect(sup.getByRole('navigation', { name: '队列视图' }).count()).resolves.toBe(0);
      await checkPage(sup, 'queue-routed-supervisor-desktop');
    } finally {
      await supContext.close();
    }
    // …and 西乡街道's supervisor has the other report, never the routed one.
    expect((await list('sup-xx', `q=${located.caseNo}`)).items).toHaveLength(1);
    expect((await list('sup-xx', `q=${unlocated.caseNo}`)).items).toHaveLength(0);
  });

  it('once a supervisor accepts a report it leaves the hotline’s list; the others stay', async () => {
    expect(unlocated.id).toBeDefined();
    const sup = (await api.expect(200, 'sup-xa', 'GET', '/api/me')) as unknown as { id: string };
    const routed = await api.expect(200, 'sup-xa', 'GET', `/api/cases/${unlocated.id}`);
    await api.act('sup-xa', routed, 'accept', { riskLevel: 'R3', assigneeId: sup.id });

    const { context, page } = await newPage(stack, PHONE);
    try {
      await login(page, 'hotline');
      await page.getByRole('navigation', { name: '底部导航' }).getByRole('link', { name: '我提交的报告' }).click();
      const mine = page.getByRole('list', { name: '我提交的报告' });
      await mine.locator(`li[data-case-no="${located.caseNo}"]`).waitFor();
      await expect(mine.locator(`li[data-case-no="${unlocated.caseNo}"]`).count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
    // (the API answers the hotline 404 for it now, as for any case outside its scope)
    expect((await api.call('hotline', 'GET', `/api/cases/${unlocated.id}`)).status).toBe(404);
  });
});
