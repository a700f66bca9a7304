// The in-process sandboxes a test file started, stopped after the file by test/support/inproc-file-setup.ts.
// Kept apart from inproc.ts so the setup file stays light for the tests that never start one.
const stops: Array<() => Promise<void>> = [];

export function onFileEnd(stop: () => Promise<void>): void {
  stops.push(stop);
}

export async function stopAll(): Promise<void> {
  await Promise.all(stops.splice(0).map((stop) => stop()));
}
