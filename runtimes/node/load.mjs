// Finds and loads the user's handler from _HANDLER ("file.export", "dir/file.a.b"), reporting
// failures with the errorType/errorMessage shapes AWS's Node.js runtime uses for init errors.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export class InitError extends Error {
  constructor(errorType, errorMessage, stackTrace = []) {
    super(errorMessage);
    this.body = { errorType, errorMessage, stackTrace };
  }
}

export async function loadHandler(taskRoot, spec) {
  const slash = spec.lastIndexOf('/');
  const file = spec.slice(slash + 1);
  const dot = file.indexOf('.');
  if (dot <= 0 || dot === file.length - 1) {
    throw new InitError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const moduleName = spec.slice(0, slash + 1) + file.slice(0, dot);
  const mod = await loadModule(taskRoot, moduleName);
  let fn = mod;
  for (const key of file.slice(dot + 1).split('.')) {
    fn = fn == null ? undefined : fn[key];
  }
  if (fn === undefined && mod && mod.default) {
    // A CommonJS module imported as ESM whose exports the lexer could not see.
    fn = file.slice(dot + 1).split('.').reduce((o, k) => (o == null ? undefined : o[k]), mod.default);
  }
  if (fn === undefined) {
    throw new InitError('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new InitError('Runtime.HandlerNotFound', `${spec} is not a function`);
  }
  return fn;
}

async function loadModule(taskRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleName);
  const require = createRequire(path.join(taskRoot, 'index.js'));
  try {
    if (isFile(base + '.js')) {
      try {
        return require(base + '.js');
      } catch (err) {
        if (err.code !== 'ERR_REQUIRE_ESM') throw err; // "type": "module" in package.json
        return await import(pathToFileURL(base + '.js').href);
      }
    }
    if (isFile(base + '.mjs')) return await import(pathToFileURL(base + '.mjs').href);
    if (isFile(base + '.cjs')) return require(base + '.cjs');
    // A folder with index.js or package.json "main", or a package in node_modules.
    return require(moduleName.includes('/') ? base : moduleName);
  } catch (err) {
    throw classify(err, moduleName, base);
  }
}

function classify(err, moduleName, base) {
  if (err instanceof InitError) return err;
  if (err instanceof SyntaxError) {
    return new InitError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, lines(err));
  }
  if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
    // Our own last-resort require() failing means the handler file does not exist.
    const missing = err.message.includes(`'${moduleName}'`) || err.message.includes(`'${base}'`);
    const message = missing ? `Error: Cannot find module '${moduleName}'` : `${err.name}: ${err.message}`;
    return new InitError('Runtime.ImportModuleError', message, lines(err));
  }
  if (err instanceof Error) return new InitError(err.name, err.message, lines(err));
  return new InitError(typeof err, String(err));
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function lines(err) {
  return typeof err?.stack === 'string' ? err.stack.split('\n') : [];
}
