/**
 * Access changes across two instances (issue 15 item 2; api.md "Access changes take effect within 1 s on every
 * instance"): the owner removes a member through instance A; at once on instance B the removed member's reads
 * (one task, the list — its cached ETag no longer answers 304 —, the project), writes and live stream of that
 * project stop, while the owner's stream on B still gets the project's events (the positive control).
 * Planted fault: B with the in-process cache instead of the shared one keeps answering the member's old list ETag
 * with 304 after the removal — the check below fails without the shared data versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../../test/factories';
import { openStream, until } from '../../test/sse';
import { clusterServices, startTwoInstances, type TwoInstances } from '../../test/two-instances';

type Inst = TwoInstances['a'];

const call = (i: Inst, u: TestUser, method: string, url: string, payload?: unknown, headers = {}) =>
  i.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...u.headers, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function share(c: TwoInstances) {
  const owner = await createUser(c.a.platform);
  const member = await createUser(c.a.platform);
  const project = (await call(c.a, owner, 'POST', '/projects', { name: 'Team' })).json().data;
  await call(c.a, owner, 'POST', `/projects/${project.id}/invitations`, { email: member.email, role: 'editor' });
  // The token is in the mail A sent; accepting it is what the web app does after sign-in.
  const mail = (c.a.platform.mailer as unknown as { last(to: string): { text: string } }).last(member.email);
  const token = decodeURIComponent(/token=([^\s&]+)/.exec(mail.text)?.[1] ?? '');
  expect((await call(c.b, member, 'POST', '/invitations/accept', { token })).statusCode).toBe(200);
  return { owner, member, project };
}

/** The member's view on B after removal on A: what leaks, if anything. */
async function removalSeenOnB(c: TwoInstances) {
  const { owner, member, project } = await share(c);
  const task = (await call(c.a, owner, 'POST', '/tasks', { title: 'shared', projectId: project.id })).json().data;
  const list = await call(c.b, member, 'GET', `/tasks?projectId=${project.id}`);
  expect(list.json().data.map((t: { id: string }) => t.id)).toEqual([task.id]);
  const allList = await call(c.b, member, 'GET', '/tasks');
  expect(allList.json().data.map((t: { id: string }) => t.id)).toContain(task.id);
  const etag = allList.headers.etag as string;
  expect((await call(c.b, member, 'GET', '/tasks', undefined, { 'if-none-match': etag })).statusCode).toBe(304);

  expect((await call(c.a, owner, 'DELETE', `/projects/${project.id}/members/${member.id}`)).statusCode).toBe(204);
  const removedAt = Date.now();
  const seen = {
    task: (await call(c.b, member, 'GET', `/tasks/${task.id}`)).statusCode,
    listStatus: (await call(c.b, member, 'GET', '/tasks', undefined, { 'if-none-match': etag })).statusCode,
    list: (await call(c.b, member, 'GET', '/tasks')).json().data.map((t: { id: string }) => t.id) as string[],
    projectList: (await call(c.b, member, 'GET', `/tasks?projectId=${project.id}`)).statusCode,
    project: (await call(c.b, member, 'GET', `/projects/${project.id}`)).statusCode,
    write: (await call(c.b, member, 'PATCH', `/tasks/${task.id}`, { title: 'after removal' })).statusCode,
    create: (await call(c.b, member, 'POST', '/tasks', { title: 'x', projectId: project.id })).statusCode,
    ms: Date.now() - removedAt,
  };
  return { owner, member, project, task, seen };
}

describe.runIf(clusterServices)('project access changes across two instances', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances({ listen: true, config: { sseHeartbeatMs: 60_000 } });
  });
  afterAll(async () => c?.close());

  it("a member removed on A loses the project's reads, writes and cached list on B within 1 s", async () => {
    const { task, seen } = await removalSeenOnB(c);
    expect(seen).toMatchObject({ task: 404, listStatus: 200, projectList: 404, project: 404, write: 404, create: 404 });
    expect(seen.list).not.toContain(task.id);
    expect(seen.ms).toBeLessThan(1000);
  });

  it("the removed member's live stream on B gets nothing more of the project; the owner's stream on B does", async () => {
    const { owner, member, project } = await share(c);
    const memberStream = openStream(c.b.url as string, member);
    const ownerStream = openStream(c.b.url as string, owner);
    await Promise.all([memberStream.ready, ownerStream.ready]);
    const created = (t: { events: Array<{ event: string; data: unknown }> }, title: string) =>
      t.events.some((e) => e.event === 'task.created' && (e.data as { title: string }).title === title);
    await call(c.a, owner, 'POST', '/tasks', { title: 'before', projectId: project.id });
    await until(() => created(memberStream, 'before') && created(ownerStream, 'before'));
    expect((await call(c.a, owner, 'DELETE', `/projects/${project.id}/members/${member.id}`)).statusCode).toBe(204);
    await until(() => memberStream.events.some((e) => e.event === 'project.member.removed'));
    await call(c.a, owner, 'POST', '/tasks', { title: 'after', projectId: project.id });
    await until(() => created(ownerStream, 'after'));
    // The owner's stream on B got "after"; the member's (same instance, same moment) did not.
    await new Promise((r) => setTimeout(r, 300));
    expect(created(memberStream, 'after')).toBe(false);
    memberStream.close();
    ownerStream.close();
  });
});

describe.runIf(clusterServices)('planted fault: B without the shared cache', () => {
  let c: TwoInstances;
  beforeAll(async () => {
    c = await startTwoInstances({ faultsB: { localCache: true } });
  });
  afterAll(async () => c?.close());

  it("keeps answering the removed member's old list ETag with 304 (what the shared versions prevent)", async () => {
    const { seen } = await removalSeenOnB(c);
    expect(seen.listStatus).toBe(304);
  });
});
