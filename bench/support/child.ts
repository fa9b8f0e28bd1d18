import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths.js';

export interface Child {
  process: ChildProcess;
  /** Lines the child wrote to stdout (after the first, which `startChild` resolves with). */
  lines: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node [--import tsx] <script>` and resolves with the first stdout line parsed as JSON (how our
 * children report their URLs), or with the first value `readyWhen` returns for a line. Bounded by `timeoutMs`; stderr is kept (tail) for the error message.
 */
export async function startChild<T>(
  script: string,
  options: { env?: Record<string, string>; timeoutMs?: number; typescript?: boolean; readyWhen?: (line: string) => T | undefined } = {},
): Promise<{ child: Child; ready: T }> {
  const args = options.typescript === false ? [script] : ['--import', 'tsx', script];
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines: string[] = [];
  const reader = createInterface({ input: proc.stdout! });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const forced = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
  };
  const ready = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not report ready within ${options.timeoutMs ?? 60_000} ms: ${stderr.slice(-500)}`)), options.timeoutMs ?? 60_000);
    let waiting = true;
    reader.on('line', (line) => {
      if (!waiting) {
        lines.push(line);
        return;
      }
      if (options.readyWhen) {
        const value = options.readyWhen(line);
        if (value === undefined) return;
        waiting = false;
        clearTimeout(timer);
        resolve(value);
        return;
      }
      waiting = false;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${script} printed a non-JSON first line: ${line.slice(0, 200)}`));
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited early (${code ?? signal}): ${stderr.slice(-800)}`));
    });
  }).catch(async (error) => {
    await stop('SIGKILL');
    throw error;
  });
  return { child: { process: proc, lines, stop }, ready };
}
