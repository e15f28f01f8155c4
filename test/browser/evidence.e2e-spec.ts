/**
 * Guardians and evidence from a phone (issue 13 items 4, 5, 7): on a 390×844 viewport a
 * community director opens a case on the director's case page, adds a guardian through the
 * case dialog, uploads a photo through the file input (the phone's camera or gallery),
 * watches the upload progress, sees it listed, downloads it and retracts it with a reason.
 * An oversize or wrong-type file is stopped in the browser with a clear message and never
 * sent. Axe on the page in each state. Real stack: the compiled api serving the built
 * console, PostgreSQL, Redis, Debian's Chromium.
 */
import { readFileSync } from 'node:fs';
import type { Request } from 'playwright-core';
import sharp from 'sharp';
import { checkPage, DEMO_PASSWORD, expectAttribute, expectText, login, newPage, PHONE, Stack, StackApi, startStack } from '../helpers/browser';
import { caseBody, uniqueChildName } from '../helpers/cases';

const MB = 1024 * 1024;

jest.setTimeout(120_000);

describe('guardians and evidence on a phone (browser e2e)', () => {
  let stack: Stack;
  let api: StackApi;
  let caseId: string;
  let caseNo: string;

  beforeAll(async () => {
    stack = await startStack();
    api = new StackApi(stack.api.url, DEMO_PASSWORD);
    const me = (await api.expect(200, 'dir-xa-01', 'GET', '/api/me')) as unknown as { jurisdiction: { id: string } };
    const c = await api.expect(201, 'dir-xa-01', 'POST', '/api/cases', caseBody(me.jurisdiction.id));
    caseId = c.id;
    caseNo = c.caseNo;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** A small real JPEG (the server checks the content and re-encodes it without EXIF/GPS). */
  const jpeg = () =>
    sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } } })
      .jpeg({ quality: 80 })
      .toBuffer();

  it('a director adds a guardian and uploads, downloads and retracts a photo at phone width', async () => {
    const { context, page } = await newPage(stack, PHONE);
    const uploads: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/api/cases/${caseId}/attachments`)) uploads.push(r);
    });
    try {
      await login(page, 'dir-xa-01');
      await page.goto(`/my/cases/${caseId}`);
      await page.getByRole('heading', { level: 1, name: `案件 ${caseNo}` }).waitFor();

      // ── The guardian, through the case dialog ─────────────────────────────────────
      const guardians = page.getByTestId('director-guardians');
      await guardians.getByText('尚未登记监护人或家庭成员。').waitFor();
      await guardians.getByRole('button', { name: '添加监护人/家庭成员' }).click();
      const dialog = page.getByRole('dialog', { name: '添加监护人/家庭成员' });
      await dialog.waitFor();
      const guardianName = uniqueChildName();
      await dialog.getByLabel('姓名').fill(guardianName);
      await dialog.getByLabel('与儿童关系').selectOption('mother');
      await dialog.getByLabel('联系电话').fill('13900139000');
      await dialog.getByRole('checkbox', { name: '与儿童同住' }).check();
      await checkPage(page, 'evidence-guardian-dialog-phone');
      await dialog.getByTestId('dialog-submit').click();
      await dialog.waitFor({ state: 'hidden' });
      const guardian = guardians.locator('li[data-guardian-relation="mother"]');
      await guardian.waitFor();
      await expect(guardian.innerText()).resolves.toContain(guardianName);
      await expectAttribute(guardian, 'data-suspected-perpetrator', 'false');
      const stored = await api.expect(200, 'dir-xa-01', 'GET', `/api/cases/${caseId}`);
      expect(stored.guardians).toEqual([
        expect.objectContaining({ name: guardianName, relation: 'mother', livesWithChild: true, suspectedPerpetrator: false }),
      ]);

      // ── The file input offers the camera ─────────────────────────────────────────
      const evidence = page.getByTestId('evidence-section');
      await evidence.scrollIntoViewIfNeeded();
      const fileInput = evidence.getByLabel('选择文件（照片、PDF 或 Word，最大 20 MB）');
      const accept = (await fileInput.getAttribute('accept')) ?? '';
      expect(accept.split(',')).toEqual(
        expect.arrayContaining(['image/*', 'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']),
      );
      await evidence.getByRole('button', { name: /^拍照/ }).waitFor();
      const camera = evidence.getByTestId('evidence-camera-input');
      await expect(camera.getAttribute('capture')).resolves.toBe('environment');
      await expect(camera.getAttribute('accept')).resolves.toBe('image/*');
      await expect(camera.isVisible()).resolves.toBe(false);
      // The button opens the camera's own input (a file chooser with capture).
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), evidence.getByRole('button', { name: /^拍照/ }).click()]);
      await expect(chooser.element().getAttribute('capture')).resolves.toBe('environment');
      await chooser.setFiles([]);
      await checkPage(page, 'evidence-empty-phone');

      // ── Refused before sending: too big, wrong type ──────────────────────────────
      const upload = evidence.getByRole('button', { name: '上传', exact: true });
      await fileInput.setInputFiles({ name: 'scan.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(20 * MB + 1, 0xff) });
      const problem = evidence.getByTestId('evidence-file-problem');
      await expect(problem.innerText()).resolves.toMatch(/^文件过大：附件最大 20 MB，此文件 20\.0 MB/);
      await expect(problem.getAttribute('role')).resolves.toBe('alert');
      await expect(upload.isDisabled()).resolves.toBe(true);
      await checkPage(page, 'evidence-too-big-phone');
      await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
      await expectText(problem, /文件类型不支持：只接受 JPEG、PNG、HEIC 照片，PDF 或 Word \(DOCX\) 文档/);
      await expect(upload.isDisabled()).resolves.toBe(true);
      expect(uploads).toHaveLength(0);

      // ── A photo: progress while it is sent, then listed ──────────────────────────
      const photo = await jpeg();
      await fileInput.setInputFiles({ name: 'injury-arm.jpg', mimeType: 'image/jpeg', buffer: photo });
      await problem.waitFor({ state: 'detached' });
      await expect(evidence.getByTestId('evidence-chosen').innerText()).resolves.toContain('injury-arm.jpg');
      await expect(evidence.getByLabel('类别 (kind)').inputValue()).resolves.toBe('photo');
      await evidence.getByLabel('备注（选填）').fill('左臂淤青，走访时拍摄');
      // Hold the answer back a moment so the progress can be seen (and checked) on a fast line.
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      await page.route(`**/api/cases/${caseId}/attachments`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        await held;
        return route.continue();
      });
      await upload.click();
      const progress = evidence.getByTestId('evidence-progress');
      await progress.waitFor();
      await expect(progress.getByRole('progressbar', { name: '上传进度' }).isVisible()).resolves.toBe(true);
      await expect(evidence.getByRole('button', { name: '取消上传' }).isVisible()).resolves.toBe(true);
      await checkPage(page, 'evidence-uploading-phone');
      release();
      const item = evidence.locator('li[data-file-name="injury-arm.jpg"]');
      await item.waitFor();
      await progress.waitFor({ state: 'detached' });
      await page.unroute(`**/api/cases/${caseId}/attachments`);
      expect(uploads).toHaveLength(1);
      await expect(item.innerText()).resolves.toContain('左臂淤青，走访时拍摄');
      await expectAttribute(item, 'data-retracted', 'false');
      await expect(evidence.getByTestId('evidence-chosen').count()).resolves.toBe(0);
      await checkPage(page, 'evidence-listed-phone');

      // ── Download: the file the server kept (a JPEG, metadata stripped) ───────────
      const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: '下载 injury-arm.jpg' }).click()]);
      expect(download.suggestedFilename()).toBe('injury-arm.jpg');
      const saved = readFileSync(await download.path());
      expect(saved.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      await expect(sharp(saved).metadata()).resolves.toMatchObject({ format: 'jpeg', width: 96, height: 64 });

      // ── Retraction with a reason ─────────────────────────────────────────────────
      await item.getByRole('button', { name: '撤回 injury-arm.jpg' }).click();
      const retract = page.getByRole('dialog', { name: '撤回附件 (retract)' });
      await retract.waitFor();
      await expect(retract.getByRole('button', { name: '撤回', exact: true }).isDisabled()).resolves.toBe(true);
      await retract.getByLabel('撤回原因 (reason)').fill('拍错了儿童，已重新拍摄');
      await retract.getByRole('button', { name: '撤回', exact: true }).click();
      await retract.waitFor({ state: 'hidden' });
      await evidence.locator('li[data-file-name="injury-arm.jpg"][data-retracted="true"]').waitFor();
      await expect(item.innerText()).resolves.toContain('撤回原因：拍错了儿童，已重新拍摄');
      await expect(item.getByRole('button', { name: '下载 injury-arm.jpg' }).count()).resolves.toBe(0);
      await checkPage(page, 'evidence-retracted-phone');

      // The server agrees: one attachment, retracted with that reason.
      const list = (await api.expect(200, 'dir-xa-01', 'GET', `/api/cases/${caseId}/attachments`)) as unknown as {
        items: { fileName: string; kind: string; retracted: { reason: string } | null }[];
      };
      expect(list.items).toEqual([
        expect.objectContaining({ fileName: 'injury-arm.jpg', kind: 'photo', retracted: expect.objectContaining({ reason: '拍错了儿童，已重新拍摄' }) }),
      ]);
    } finally {
      await context.close();
    }
  });
});
