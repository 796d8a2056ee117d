/**
 * /ws pushes import progress to browsers. A client receives every import's progress
 * unless it sends {"action":"subscribe","importId":N}; {"action":"unsubscribe","importId":N} undoes it.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Application } from '../../composition.ts';

const ClientMessage = z.object({ action: z.enum(['subscribe', 'unsubscribe']), importId: z.number().int() });

export async function progressSocket(app: FastifyInstance, hex: Application): Promise<void> {
  app.get('/ws', { websocket: true, config: { access: 'viewer' } }, (socket: WebSocket) => {
    const subscriptions = new Set<number>();
    const unsubscribe = hex.events.subscribe('import.progress', (progress) => {
      if (subscriptions.size > 0 && !subscriptions.has(progress.importId)) return;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'import.progress', data: progress }));
    });
    socket.on('message', (raw) => {
      let parsed;
      try {
        parsed = ClientMessage.safeParse(JSON.parse(String(raw)));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        socket.send(JSON.stringify({ type: 'error', error: { code: 'validation_error', message: 'send {"action":"subscribe"|"unsubscribe","importId":<number>}' } }));
        return;
      }
      if (parsed.data.action === 'subscribe') subscriptions.add(parsed.data.importId);
      else subscriptions.delete(parsed.data.importId);
      socket.send(JSON.stringify({ type: 'subscribed', importIds: [...subscriptions] }));
    });
    socket.on('close', unsubscribe);
  });
}
