// Runs the end-to-end suite: starts the real server (migrate, seed-demo, serve) on a
// fresh SQLite database and a free port, waits for /readyz, runs tests/*.test.mjs with
// node:test, and always stops the server.
//
//   TIDINGS_BIN=/path/to/tidings node e2e/run.mjs [test files…]
//
// Set TIDINGS_E2E_BASE_URL instead to test a server that is already running.

import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const e2eDir = dirname(fileURLToPath(import.meta.url));
const staticDir = join(resolve(e2eDir, ".."), "frontend", "dist");
const artifactsDir = join(e2eDir, "artifacts");
const readyTimeoutMs = Number(process.env.TIDINGS_E2E_READY_TIMEOUT_MS ?? 60_000);
const demoPassword = "demo-password-123";

/** A failure of the harness itself, reported without a stack trace. */
class SetupError extends Error {}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Runs one of the binary's set-up commands to completion. */
function runStep(bin, args, env) {
  const result = spawnSync(bin, args, { env, encoding: "utf8" });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trimEnd() || "(no output)";
    throw new SetupError(
      `\`tidings ${args.join(" ")}\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`,
    );
  }
}

/** The server process, its output (kept in memory for error messages and in a log file). */
class Server {
  constructor(bin, env, logFile) {
    this.output = "";
    this.log = createWriteStream(logFile);
    // Its own process group, so stopping it also stops anything it started.
    this.child = spawn(bin, ["serve"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream.on("data", (chunk) => {
        this.output = (this.output + chunk).slice(-20_000);
        this.log.write(chunk);
      });
    }
    this.exited = once(this.child, "exit").catch(() => {});
    this.startError = null;
    this.child.on("error", (error) => {
      this.startError = error;
    });
  }

  get running() {
    return this.startError === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(lines = 40) {
    return this.output.trimEnd().split("\n").slice(-lines).join("\n") || "(no output)";
  }

  signal(name) {
    try {
      process.kill(-this.child.pid, name);
    } catch {
      // Already gone.
    }
  }

  async stop() {
    if (this.child.pid !== undefined && this.running) {
      this.signal("SIGTERM");
      const timer = setTimeout(() => this.signal("SIGKILL"), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.log.end();
  }
}

async function waitForReady(baseUrl, server) {
  const deadline = Date.now() + readyTimeoutMs;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (server.startError) throw new SetupError(`could not start the server: ${server.startError.message}`);
    if (!server.running) {
      await server.exited;
      throw new SetupError(
        `the server exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready. ` +
          `Its output:\n${server.tail()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastProblem = `/readyz answered ${response.status}`;
    } catch (error) {
      lastProblem = error.cause?.code ?? error.message;
    }
    await new Promise((wake) => setTimeout(wake, 150));
  }
  throw new SetupError(
    `the server was not ready after ${readyTimeoutMs} ms (${lastProblem}). Its output:\n${server.tail()}`,
  );
}

/** Removes the run's scratch directory; a browser that is still closing may add files meanwhile. */
async function removeScratch(dir) {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      return;
    } catch (error) {
      if (attempt === 5) {
        console.error(`e2e: could not remove ${dir}: ${error.message}`);
        return;
      }
      await new Promise((wake) => setTimeout(wake, 1_000));
    }
  }
}

function testFiles() {
  const named = process.argv.slice(2);
  if (named.length > 0) return named.map((file) => resolve(file));
  const dir = join(e2eDir, "tests");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".test.mjs"))
    .sort()
    .map((file) => join(dir, file));
}

/** The running test process and its exit, stopped with the runner. */
let tests = null;
let testsExited = Promise.resolve();

async function runTests(baseUrl, scratchDir) {
  const args = ["--test", "--test-concurrency=1", "--test-reporter=spec", ...testFiles()];
  tests = spawn(process.execPath, args, {
    env: {
      ...process.env,
      TIDINGS_E2E_BASE_URL: baseUrl,
      TIDINGS_E2E_ARTIFACTS: artifactsDir,
      TIDINGS_E2E_SCRATCH: scratchDir,
    },
    stdio: "inherit",
  });
  testsExited = once(tests, "exit");
  const [code, signal] = await testsExited;
  return code ?? (signal ? 1 : 0);
}

/**
 * The suite runs at any hour, and its campaigns text the demo's New York and Los Angeles
 * numbers: the demo organisation's texting hours are opened all day through the API, as
 * an administrator would. The tests about texting hours narrow a campaign's own.
 */
async function openTextingHoursAllDay(baseUrl) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@demo.test", password: demoPassword }),
  });
  if (!login.ok) throw new SetupError(`the demo administrator could not sign in: ${login.status}`);
  const { token } = await login.json();
  const changed = await fetch(`${baseUrl}/api/v1/organisation`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ texting_hours: { opens: "00:00", closes: "24:00" } }),
  });
  if (!changed.ok) throw new SetupError(`the demo's texting hours could not be set: ${changed.status}`);
}

async function main() {
  mkdirSync(artifactsDir, { recursive: true });
  const existing = process.env.TIDINGS_E2E_BASE_URL;
  const bin = process.env.TIDINGS_BIN;
  if (!existing) {
    if (!bin) throw new SetupError("set TIDINGS_BIN to the path of the `tidings` server binary");
    if (!existsSync(bin)) throw new SetupError(`TIDINGS_BIN=${bin} does not exist; build the server first`);
    if (!existsSync(join(staticDir, "index.html"))) {
      throw new SetupError(`${staticDir}/index.html is missing; run \`make spa\` first`);
    }
  }

  // The database, the server's data and the browsers' profiles: removed however the run ends.
  const dataDir = mkdtempSync(join(tmpdir(), "tidings-e2e-"));
  let server = null;
  // A runner stopped with Ctrl-C, or by make, must not leave the server behind.
  const onSignal = async () => {
    tests?.kill("SIGTERM");
    server?.signal("SIGKILL");
    const settled = Promise.all([testsExited, server?.exited]);
    await Promise.race([settled, new Promise((wake) => setTimeout(wake, 10_000))]);
    await removeScratch(dataDir);
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (existing) return await runTests(existing, dataDir);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dataDir, "e2e.db")}`,
      TIDINGS_BIND: `127.0.0.1:${port}`,
      TIDINGS_PUBLIC_URL: baseUrl,
      TIDINGS_DEMO_PASSWORD: demoPassword,
      TIDINGS_STATIC_DIR: staticDir,
      TIDINGS_DATA_DIR: dataDir,
      // Sends succeed unless a test scripts otherwise: a random failure (10% by default,
      // as `make run` shows) would fail whichever test's reply it hit. The demo's own
      // failed messages are seeded, not random.
      TIDINGS_SIMULATOR_FAILURE_RATE: "0",
    };
    runStep(bin, ["migrate"], env);
    runStep(bin, ["seed-demo"], env);
    const logFile = join(artifactsDir, "server.log");
    server = new Server(bin, env, logFile);
    await waitForReady(baseUrl, server);
    await openTextingHoursAllDay(baseUrl);
    console.log(`e2e: server ready at ${baseUrl} (log: ${logFile})`);
    return await runTests(baseUrl, dataDir);
  } finally {
    await server?.stop();
    await removeScratch(dataDir);
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`e2e: ${error instanceof SetupError ? error.message : (error.stack ?? error)}`);
  process.exitCode = 1;
}
