/**
 * Business metrics from the domain events (tasks_created_total, tasks_completed_total, the time from creation to
 * completion), and queue depth read from the job queue at scrape time.
 */
import type { Task } from '@primetrade/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { EventBus } from '../infra/events';
import { collectQueueDepth, type Metrics } from '../infra/metrics';
import type { JobQueue } from '../infra/queue/queue';

export interface DomainMetricsOptions {
  events: EventBus;
  metrics: Metrics;
  queue: JobQueue;
}

async function domainMetrics(app: FastifyInstance, { events, metrics, queue }: DomainMetricsOptions) {
  const completed = (task: Task) => {
    metrics.tasksCompletedTotal.inc();
    if (task.completedAt) {
      const seconds = (Date.parse(task.completedAt) - Date.parse(task.createdAt)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) metrics.taskTimeToCompleteSeconds.observe(seconds);
    }
  };
  const off = [
    events.on('task.created', ({ task }) => {
      metrics.tasksCreatedTotal.inc();
      if (task.status === 'completed') completed(task);
    }),
    events.on('task.updated', ({ task, previousStatus }) => {
      if (task.status === 'completed' && previousStatus !== undefined && previousStatus !== 'completed')
        completed(task);
    }),
  ];
  collectQueueDepth(metrics, queue);
  app.addHook('onClose', async () => {
    for (const o of off) o();
  });
}

export const domainMetricsPlugin = fp(domainMetrics, { name: 'domain-metrics' });
