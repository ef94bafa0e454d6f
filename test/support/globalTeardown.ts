/** Drops the run's template database and stops the embedded server that globalSetup started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { mciTestTeardown?: () => Promise<void> }).mciTestTeardown?.();
}
