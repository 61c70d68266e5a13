// The benchmark's functions for kumo's nodejs20.x runtime, and the handler serverless-offline
// serves as a peer. noop.handler answers at once, so a call measures only the platform.
// noop.burst holds its instance for 100 ms and names it, so a burst shows how many served.

const NOOP = { ok: true };

export const handler = async () => NOOP;

export const burst = async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stream = process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '';
  return { instance: stream.slice(stream.lastIndexOf(']') + 1) };
};
