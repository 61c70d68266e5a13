// kumo's Node.js runtime shim: runs a handler behind the Lambda Runtime API.
//
// kumo starts it as `/usr/bin/node /opt/kumo/node/bootstrap.mjs` inside an instance. It loads
// _HANDLER from LAMBDA_TASK_ROOT, then loops on /invocation/next, one invocation at a time, and
// posts each result or error. Handlers may be async, return a promise, or use the callback /
// context.succeed / fail / done styles, as on AWS Lambda.
import { RuntimeClient } from './client.mjs';
import { InitError, lines, loadHandler } from './load.mjs';

const env = process.env;
const client = new RuntimeClient(env.AWS_LAMBDA_RUNTIME_API);

// The loaded handler function; null while loading (failures then are init errors).
let handler = null;
// The invocation being run, so process-wide failures can be charged to it.
let current = null; // {requestId}

function errorBody(err) {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, stackTrace: lines(err) };
  }
  // As AWS does for `throw "x"` or callback("x"): the type is the JavaScript typeof.
  return { errorType: typeof err, errorMessage: String(err), stackTrace: [] };
}

function logError(body) {
  process.stderr.write(`ERROR\t${body.errorType}: ${body.errorMessage}\n${body.stackTrace.join('\n')}\n`);
}

// A process-wide failure (uncaught exception, unhandled rejection) ends the instance as on AWS:
// the running invocation gets the error, then the process exits and kumo replaces it.
async function fatal(body, code) {
  logError(body);
  try {
    if (current !== null) {
      await client.postError(current.requestId, body);
    } else if (handler === null) {
      await client.postInitError(body);
    }
  } finally {
    process.exit(code);
  }
}

process.on('uncaughtException', (err) => fatal(errorBody(err), 129));
process.on('unhandledRejection', (reason) => {
  const body = errorBody(reason);
  fatal({
    errorType: 'Runtime.UnhandledPromiseRejection',
    errorMessage: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason),
    stackTrace: body.stackTrace,
  }, 128);
});

const functionFields = {
  functionName: env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
  memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
};

function parseJsonHeader(value) {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function makeContext(requestId, headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const identity = parseJsonHeader(headers['lambda-runtime-cognito-identity']);
  return {
    ...functionFields,
    awsRequestId: requestId,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    identity: identity && {
      cognitoIdentityId: identity.cognitoIdentityId,
      cognitoIdentityPoolId: identity.cognitoIdentityPoolId,
    },
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context']),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    // The legacy completion calls finish at once, without waiting for the event loop.
    succeed: (result) => finish(null, result, false),
    fail: (err) => finish(err ?? new Error('failed'), undefined, false),
    done: (err, result) => finish(err, result, false),
  };
}

// Runs one invocation; resolves to {error} or {payload} (a JSON string), whichever way the
// handler reports first.
function invoke(fn, requestId, headers, body) {
  return new Promise((resolve) => {
    let settled = false;
    let context = null;
    // As on AWS, a handler that neither returns a promise nor calls back gets a null result
    // once the event loop has nothing left to run.
    const onDrain = () => finish(null, undefined, false);
    const finish = (err, result, mayWait) => {
      if (settled) return;
      settled = true;
      process.removeListener('beforeExit', onDrain);
      const deliver = () => resolve(outcome(err, result));
      if (mayWait && context.callbackWaitsForEmptyEventLoop) {
        // AWS answers callback-style handlers once nothing else is left to run.
        process.once('beforeExit', deliver);
      } else {
        deliver();
      }
    };
    current = { requestId };
    context = makeContext(requestId, headers, finish);
    process.once('beforeExit', onDrain);
    try {
      const event = JSON.parse(body.toString());
      const callback = (err, result) => finish(err, result, true);
      const ret = fn(event, context, callback);
      if (ret && typeof ret.then === 'function') {
        ret.then((result) => finish(null, result, false), (err) => finish(err ?? new Error('rejected'), undefined, false));
      }
    } catch (err) {
      finish(err, undefined, false);
    }
  });
}

function outcome(err, result) {
  if (err !== null && err !== undefined) return { error: errorBody(err) };
  try {
    return { payload: result === undefined ? 'null' : JSON.stringify(result) };
  } catch (e) {
    return { error: { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${e.message}`, stackTrace: [] } };
  }
}

try {
  handler = await loadHandler(env.LAMBDA_TASK_ROOT || '/var/task', env._HANDLER || '');
} catch (err) {
  const body = err instanceof InitError ? err.body : errorBody(err);
  logError(body);
  await client.postInitError(body);
  process.exit(1);
}

for (;;) {
  const { headers, body } = await client.next();
  const requestId = headers['lambda-runtime-aws-request-id'];
  if (headers['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  const result = await invoke(handler, requestId, headers, body);
  if (result.error) {
    logError(result.error);
    await client.postError(requestId, result.error);
  } else {
    await client.postResponse(requestId, result.payload);
  }
  current = null;
}
