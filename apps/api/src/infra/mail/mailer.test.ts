import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maskAddress, MemoryMailer, OutboxMailer } from './mailer';

describe('mailers', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('OutboxMailer writes one private JSON file per message and logs one line without the body', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'pt-outbox-'));
    dirs.push(dataDir);
    const logged: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const mailer = new OutboxMailer(dataDir, 'Tasks <no-reply@example.test>', {
      info: (obj, msg) => logged.push({ obj, msg }),
    });
    const secret = 'https://app.example/reset-password?token=SECRET-TOKEN-123';
    await mailer.send({
      to: 'ada@example.test',
      subject: 'Reset your password',
      text: secret,
      html: `<a>${secret}</a>`,
    });
    await mailer.send({ to: 'bob@example.test', subject: 'Second', text: 'two' });
    const files = (await readdir(path.join(dataDir, 'outbox'))).sort();
    expect(files).toHaveLength(2);
    const all = await Promise.all(files.map((f) => readFile(path.join(dataDir, 'outbox', f), 'utf8')));
    const first = all.map((t) => JSON.parse(t)).find((m) => m.to === 'ada@example.test');
    expect(first).toMatchObject({
      from: 'Tasks <no-reply@example.test>',
      subject: 'Reset your password',
      text: secret,
    });
    expect((await stat(path.join(dataDir, 'outbox', files[0] ?? ''))).mode & 0o077).toBe(0);
    expect(logged).toHaveLength(2);
    const line = JSON.stringify(logged);
    expect(line).not.toContain('SECRET-TOKEN-123');
    expect(line).not.toContain('ada@');
    expect(logged[0]?.obj).toMatchObject({ event: 'mail.queued', to: '***@example.test' });
  });

  it('MemoryMailer captures messages and finds the last one to an address', async () => {
    const m = new MemoryMailer();
    await m.send({ to: 'a@x.test', subject: '1', text: 'one' });
    await m.send({ to: 'b@x.test', subject: '2', text: 'two' });
    await m.send({ to: 'a@x.test', subject: '3', text: 'three' });
    expect(m.messages).toHaveLength(3);
    expect(m.last('a@x.test')?.subject).toBe('3');
    expect(m.last('c@x.test')).toBeUndefined();
    m.clear();
    expect(m.messages).toHaveLength(0);
    expect(maskAddress('nobody')).toBe('***');
  });
});
