import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Application } from '../../composition.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const TrendsQuery = z.object({ from: Day.optional(), to: Day.optional() });

export async function dashboardRoutes(app: FastifyInstance, hex: Application): Promise<void> {
  app.get('/api/dashboard/trends', { config: { access: 'viewer' } }, async (request) => {
    const range = TrendsQuery.parse(request.query);
    return { items: await hex.dashboard.trends(range) };
  });

  app.get('/api/dashboard/summary', { config: { access: 'viewer' } }, async () => hex.dashboard.summary());
}
