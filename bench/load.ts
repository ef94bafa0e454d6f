import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { elapsedMs, residentMiB, summarise, type LatencySummary } from './stats';

/**
 * Stands in for the Bot Framework channel during a benchmark: accepts every reply the bot posts to
 * the activity's serviceUrl and only counts them (nothing is kept, so memory stays flat).
 */
export class ReplySink {
  replies = 0;
  private server: http.Server | null = null;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) this.replies += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"sink"}');
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface LoadOptions {
  /** Base URL of the bot, e.g. http://127.0.0.1:3978 */
  url: string;
  serviceUrl: string;
  /** Concurrent conversations; each sends its next message when the previous turn has completed. */
  conversations: number;
  /** The text each turn sends. */
  text: string;
  aadObjectId?: string;
  warmupMs: number;
  durationMs: number;
  /** Hard cap on measured turns, whatever the duration. */
  maxTurns: number;
  /** Sampled every 250 ms while measuring, when given. */
  pid?: number;
}

export interface LoadResult {
  conversations: number;
  turns: number;
  failures: number;
  seconds: number;
  turnsPerSecond: number;
  latency: LatencySummary;
  /** Highest resident size of `pid` seen while measuring, MiB. */
  peakResidentMiB: number | null;
  /** CPU time (user + system) `pid` spent per measured turn, ms; null without /proc. */
  cpuMsPerTurn: number | null;
}

/** CPU time (user + system) a process has used so far, ms, from /proc/<pid>/stat; null where unavailable. */
async function cpuMs(pid: number | undefined): Promise<number | null> {
  if (!pid) return null;
  const { readFile } = await import('node:fs/promises');
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // USER_HZ is 100 on Linux; os exposes no constant for it.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * A closed-loop load: `conversations` workers, each its own conversation and user, post a message
 * and wait for POST /api/messages to answer (in local mode it answers once the turn, replies
 * included, has completed). Bounded by time and by turn count.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.conversations + 4 });
  const target = new URL('/api/messages', options.url);
  const post = (conversationId: string, userId: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        type: 'message',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: options.serviceUrl,
        from: { id: userId, name: 'Bench user', ...(options.aadObjectId ? { aadObjectId: options.aadObjectId } : {}) },
        recipient: { id: 'bot', name: 'bot' },
        conversation: { id: conversationId },
        text: options.text,
      });
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('turn timed out after 30 s')));
      req.on('error', reject);
      req.end(body);
    });

  const run = async (durationMs: number, maxTurns: number, record: boolean) => {
    const samples: number[] = [];
    let failures = 0;
    let started = 0;
    const stopAt = Date.now() + durationMs;
    const worker = async (index: number) => {
      const conversationId = `bench-${randomUUID()}`;
      const userId = `bench-user-${index}`;
      while (Date.now() < stopAt && started < maxTurns) {
        started += 1;
        const at = process.hrtime.bigint();
        try {
          const status = await post(conversationId, userId);
          if (status < 200 || status >= 300) failures += 1;
          else if (record) samples.push(elapsedMs(at));
        } catch {
          failures += 1;
        }
      }
    };
    let peak: number | null = null;
    const sampler =
      record && options.pid
        ? setInterval(() => {
            void residentMiB(options.pid ?? 0).then((value) => {
              if (value !== null) peak = Math.max(peak ?? 0, value);
            });
          }, 250)
        : null;
    const startedAt = process.hrtime.bigint();
    await Promise.all(Array.from({ length: options.conversations }, (_, index) => worker(index)));
    const seconds = elapsedMs(startedAt) / 1000;
    if (sampler) clearInterval(sampler);
    return { samples, failures, seconds, peak };
  };

  try {
    await run(options.warmupMs, Number.MAX_SAFE_INTEGER, false);
    const cpuBefore = await cpuMs(options.pid);
    const measured = await run(options.durationMs, options.maxTurns, true);
    const cpuAfter = await cpuMs(options.pid);
    const turns = measured.samples.length + measured.failures;
    return {
      conversations: options.conversations,
      turns: measured.samples.length,
      failures: measured.failures,
      seconds: measured.seconds,
      turnsPerSecond: measured.samples.length / measured.seconds,
      latency: summarise(measured.samples),
      peakResidentMiB: measured.peak,
      cpuMsPerTurn: cpuBefore !== null && cpuAfter !== null && turns > 0 ? (cpuAfter - cpuBefore) / turns : null,
    };
  } finally {
    agent.destroy();
  }
}
