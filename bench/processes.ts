import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/**
 * The Node options `npm start` runs the bot with (package.json), so that a benchmark measures the
 * process a newcomer starts: e.g. `--heap-growing-percent=30 --require tsx/cjs`.
 */
export function startOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  return words[0] === 'node' ? words.slice(1, words.indexOf('bot/main.ts')) : ['--import', 'tsx'];
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The pid of the Node process serving requests (node runs the TypeScript itself through tsx's loader). */
  readonly pid: number;
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` on a free port with the given environment and waits until
 * GET /healthz answers 200 (or fails after `timeoutMs`, with the process's output).
 */
export async function startServer(script: string, env: Record<string, string>, timeoutMs = 90_000, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const options = script === 'bot/main.ts' ? startOptions() : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...options, script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not become healthy within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    child,
    pid: child.pid ?? 0,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
