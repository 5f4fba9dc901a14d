/**
 * /api/v1/projects (projects, members, invitations) and /api/v1/invitations/accept — thin handlers over the
 * services; every decision is the policy's (policy.ts). Registered without a prefix: the paths are written out.
 */
import {
  acceptInvitationBody,
  createInvitationBody,
  createProjectBody,
  invitationEnvelope,
  invitationListEnvelope,
  invitationParams,
  memberParams,
  patchMemberBody,
  patchProjectBody,
  projectEnvelope,
  projectListEnvelope,
  projectMemberEnvelope,
  projectMemberListEnvelope,
  projectParams,
} from '@primetrade/shared';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { clientInfo, header, ifMatchHeaders, ifNoneMatchHeaders, SECURED, uid } from '../../lib/http';
import type { ProjectInvitations } from './projects.invitations';
import type { ProjectsService } from './projects.service';

const TAGS = ['projects'];

const prefixOf = (request: FastifyRequest) => (request.routeOptions.url ?? '').replace(/\/projects.*$/, '');

export function projectRoutes(deps: {
  projects: ProjectsService;
  invitations: ProjectInvitations;
}): FastifyPluginAsync {
  const { projects, invitations } = deps;
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', app.requireAuth);

    r.get(
      '/projects',
      {
        schema: {
          tags: TAGS,
          summary: "The caller's projects, inbox first (with the caller's role and counts)",
          security: SECURED,
          response: { 200: projectListEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await projects.list(uid(request)) }),
    );

    r.post(
      '/projects',
      {
        schema: {
          tags: TAGS,
          summary: 'Create a project (the caller is its owner)',
          security: SECURED,
          body: createProjectBody,
          response: { 201: projectEnvelope },
        },
      },
      async (request, reply) => {
        const { project, etag } = await projects.create(uid(request), request.body);
        reply
          .code(201)
          .header('location', `${prefixOf(request)}/projects/${project.id}`)
          .header('etag', etag);
        return { success: true as const, data: project };
      },
    );

    r.get(
      '/projects/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get a project (ETag; If-None-Match → 304; 404 when not a member)',
          security: SECURED,
          params: projectParams,
          headers: ifNoneMatchHeaders,
          response: { 200: projectEnvelope },
        },
      },
      async (request, reply) => {
        const { project, etag } = await projects.get(uid(request), request.params.id);
        reply.header('etag', etag);
        const inm = header(request, 'if-none-match');
        if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
          return (reply as FastifyReply).code(304).send();
        }
        return { success: true as const, data: project };
      },
    );

    r.patch(
      '/projects/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Change a project (owner; If-Match optional, mismatch → 412)',
          security: SECURED,
          params: projectParams,
          headers: ifMatchHeaders,
          body: patchProjectBody,
          response: { 200: projectEnvelope },
        },
      },
      async (request, reply) => {
        const { project, etag } = await projects.update(
          uid(request),
          request.params.id,
          request.body,
          header(request, 'if-match'),
        );
        reply.header('etag', etag);
        return { success: true as const, data: project };
      },
    );

    r.delete(
      '/projects/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a project and its tasks (owner; the inbox cannot be deleted → 409)',
          security: SECURED,
          params: projectParams,
          headers: ifMatchHeaders,
        },
      },
      async (request, reply) => {
        await projects.remove(uid(request), request.params.id, header(request, 'if-match'), clientInfo(request));
        return reply.code(204).send();
      },
    );

    r.get(
      '/projects/:id/members',
      {
        schema: {
          tags: TAGS,
          summary: "A project's members, earliest-joined first",
          security: SECURED,
          params: projectParams,
          response: { 200: projectMemberListEnvelope },
        },
      },
      async (request) => ({ success: true as const, data: await projects.members(uid(request), request.params.id) }),
    );

    r.patch(
      '/projects/:id/members/:userId',
      {
        schema: {
          tags: TAGS,
          summary: "Change a member's role (owner; demoting the last owner → 409)",
          security: SECURED,
          params: memberParams,
          body: patchMemberBody,
          response: { 200: projectMemberEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await projects.setRole(
          uid(request),
          request.params.id,
          request.params.userId,
          request.body,
          clientInfo(request),
        ),
      }),
    );

    r.delete(
      '/projects/:id/members/:userId',
      {
        schema: {
          tags: TAGS,
          summary: 'Remove a member (owner) or leave (yourself); the last owner cannot go → 409',
          security: SECURED,
          params: memberParams,
        },
      },
      async (request, reply) => {
        await projects.removeMember(uid(request), request.params.id, request.params.userId, clientInfo(request));
        return reply.code(204).send();
      },
    );

    r.post(
      '/projects/:id/invitations',
      {
        schema: {
          tags: TAGS,
          summary: 'Invite an email address as editor or viewer (owner); mails a single-use link valid 7 days',
          security: SECURED,
          params: projectParams,
          body: createInvitationBody,
          response: { 201: invitationEnvelope },
        },
      },
      async (request, reply) => {
        const inv = await invitations.create(uid(request), request.params.id, request.body, clientInfo(request));
        reply.code(201).header('location', `${prefixOf(request)}/projects/${inv.projectId}/invitations/${inv.id}`);
        return { success: true as const, data: inv };
      },
    );

    r.get(
      '/projects/:id/invitations',
      {
        schema: {
          tags: TAGS,
          summary: "A project's invitations, newest first (owner)",
          security: SECURED,
          params: projectParams,
          response: { 200: invitationListEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await invitations.list(uid(request), request.params.id),
      }),
    );

    r.delete(
      '/projects/:id/invitations/:invId',
      {
        schema: {
          tags: TAGS,
          summary: 'Revoke a pending invitation (owner)',
          security: SECURED,
          params: invitationParams,
        },
      },
      async (request, reply) => {
        await invitations.revoke(uid(request), request.params.id, request.params.invId, clientInfo(request));
        return reply.code(204).send();
      },
    );

    r.post(
      '/invitations/accept',
      {
        schema: {
          tags: TAGS,
          summary: 'Accept an invitation with its token (the caller’s email must be the invited one → else 403)',
          security: SECURED,
          body: acceptInvitationBody,
          response: { 200: projectEnvelope },
        },
      },
      async (request) => ({
        success: true as const,
        data: await invitations.accept(uid(request), request.body, clientInfo(request)),
      }),
    );
  };
}
