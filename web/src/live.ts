/**
 * One WebSocket to /ws for the whole page, reconnecting with backoff. Pages listen by message type
 * (import.progress, job.progress) and subscribe to the jobs they show.
 */
import { useEffect, useRef } from 'react';

type Handler = (data: unknown) => void;
const handlers = new Map<string, Set<Handler>>();
const jobSubscriptions = new Map<string, number>();
let allJobsCount = 0;
let socket: WebSocket | null = null;
let retryMs = 500;

function send(message: unknown): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function connect(): void {
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
  socket = new WebSocket(url);
  socket.onopen = () => {
    retryMs = 500;
    for (const jobId of jobSubscriptions.keys()) send({ type: 'subscribe', jobId: Number(jobId) });
    if (allJobsCount > 0) send({ type: 'subscribe', all: true });
  };
  socket.onmessage = (event) => {
    let message: { type?: string; data?: unknown };
    try {
      message = JSON.parse(String(event.data)) as { type?: string; data?: unknown };
    } catch {
      return;
    }
    if (!message.type) return;
    for (const handler of handlers.get(message.type) ?? []) handler(message.data);
  };
  socket.onclose = () => {
    socket = null;
    if (handlers.size === 0) return;
    window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

function listen(type: string, handler: Handler): () => void {
  let set = handlers.get(type);
  if (!set) handlers.set(type, (set = new Set()));
  set.add(handler);
  if (!socket) connect();
  return () => {
    set.delete(handler);
    if (set.size === 0) handlers.delete(type);
  };
}

/** Calls `handler` for every message of `type` while the component is mounted. */
export function useLive<T>(type: string, handler: (data: T) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => listen(type, (data) => ref.current(data as T)), [type]);
}

/** Asks the server for progress of these jobs while mounted. */
export function useJobSubscriptions(jobIds: (string | number)[]): void {
  const key = jobIds.map(String).sort().join(',');
  useEffect(() => {
    const ids = key ? key.split(',') : [];
    for (const id of ids) {
      const count = jobSubscriptions.get(id) ?? 0;
      jobSubscriptions.set(id, count + 1);
      if (count === 0) send({ type: 'subscribe', jobId: Number.isNaN(Number(id)) ? id : Number(id) });
    }
    return () => {
      for (const id of ids) {
        const count = (jobSubscriptions.get(id) ?? 1) - 1;
        if (count > 0) jobSubscriptions.set(id, count);
        else {
          jobSubscriptions.delete(id);
          send({ type: 'unsubscribe', jobId: Number.isNaN(Number(id)) ? id : Number(id) });
        }
      }
    };
  }, [key]);
}

/** Progress of every job (and file import) while mounted: the Jobs page. */
export function useAllJobsSubscription(): void {
  useEffect(() => {
    allJobsCount += 1;
    if (allJobsCount === 1) send({ type: 'subscribe', all: true });
    return () => {
      allJobsCount -= 1;
      if (allJobsCount === 0) send({ type: 'unsubscribe', all: true });
    };
  }, []);
}
