/**
 * PostgreSQL LISTEN on one channel over a dedicated connection (a pooled connection cannot
 * hold a LISTEN). Reconnects after a lost connection until closed.
 */
import pg from 'pg';

export interface PgListener {
  close(): Promise<void>;
}

export interface PgListenOptions {
  connectionString: string;
  channel: string;
  onMessage(payload: string): void;
  onError(error: Error): void;
  reconnectDelayMs?: number;
}

export async function listenPg(options: PgListenOptions): Promise<PgListener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.connectionString });
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload !== undefined) options.onMessage(message.payload);
    });
    const lost = (error?: Error) => {
      if (closed || client !== next) return;
      client = undefined;
      options.onError(error ?? new Error('LISTEN connection ended'));
      retry = setTimeout(() => void connect().catch(options.onError), options.reconnectDelayMs ?? 2000);
    };
    next.on('error', lost);
    next.on('end', () => lost());
    await next.connect();
    client = next;
    await next.query(`LISTEN "${options.channel.replace(/"/g, '')}"`);
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
