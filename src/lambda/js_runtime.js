// apigw-lab's stand-in for the AWS Lambda Node.js runtime (the runtime interface client, "RIC"),
// evaluated in a fresh QuickJS context before the handler's code. It gives the handler what Node
// on Lambda gives it (CommonJS `exports`, `context`, callback, console, timers, a fixed clock) and
// shapes results and errors exactly as the RIC does (semantics §2.2). Rust drives the event loop
// in simulated time through the object this expression returns.
//
// Names beginning with `__lab` appear in QuickJS stack traces: the error formatter recognises them
// to tell which phase (module init, handler call, timer) a frame came from.
(function (config) {
  'use strict';
  const G = globalThis;
  const TASK_FILE = config.taskFile;
  const RealDate = Date;
  const realJsonStringify = JSON.stringify;

  const state = {
    clock: config.nowMs,
    start: config.nowMs,
    logs: [],
    timers: [],
    timerSeq: 0,
    result: null,
    waitsForEmptyLoop: true,
    viaCallback: false,
    handlerName: '',
    rejections: new Map(),
    exitCode: null,
  };

  // ---- simulated clock ------------------------------------------------------------------------
  // Every clock read advances the clock by a microsecond, so busy-wait loops terminate.
  function now() {
    state.clock += 0.001;
    return Math.floor(state.clock);
  }
  const DateProxy = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) return Reflect.construct(target, [now()], newTarget);
      // Lambda runs with TZ=UTC: local-time constructors are UTC constructors.
      if (args.length >= 2) return Reflect.construct(target, [RealDate.UTC(...args)], newTarget);
      return Reflect.construct(target, args, newTarget);
    },
    apply() {
      return new RealDate(now()).toString();
    },
  });
  RealDate.now = now;
  const proto = RealDate.prototype;
  for (const part of ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds', 'Milliseconds']) {
    proto['get' + part] = proto['getUTC' + part];
    if (part !== 'Day') proto['set' + part] = proto['setUTC' + part];
  }
  proto.getTimezoneOffset = function () { return 0; };
  const utcToString = proto.toUTCString;
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function dateString(d) {
    return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCFullYear(), 4)}`;
  }
  function timeString(d) {
    return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT+0000 (Coordinated Universal Time)`;
  }
  function localeDate(d) { return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`; }
  function localeTime(d) {
    const h = d.getUTCHours() % 12 || 12;
    return `${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
  }
  const invalid = (d) => Number.isNaN(d.getTime());
  proto.toString = function () { return invalid(this) ? 'Invalid Date' : `${dateString(this)} ${timeString(this)}`; };
  proto.toDateString = function () { return invalid(this) ? 'Invalid Date' : dateString(this); };
  proto.toTimeString = function () { return invalid(this) ? 'Invalid Date' : timeString(this); };
  proto.toLocaleString = function () { return invalid(this) ? 'Invalid Date' : `${localeDate(this)}, ${localeTime(this)}`; };
  proto.toLocaleDateString = function () { return invalid(this) ? 'Invalid Date' : localeDate(this); };
  proto.toLocaleTimeString = function () { return invalid(this) ? 'Invalid Date' : localeTime(this); };
  proto.toUTCString = utcToString;
  G.Date = DateProxy;
  G.performance = { now: () => { now(); return state.clock - state.start; }, timeOrigin: state.start };

  // ---- deterministic Math.random (sfc32 seeded from the request id) ---------------------------
  let [ra, rb, rc, rd] = config.seed;
  Math.random = function random() {
    ra >>>= 0; rb >>>= 0; rc >>>= 0; rd >>>= 0;
    let t = (ra + rb) | 0;
    ra = rb ^ (rb >>> 9);
    rb = (rc + (rc << 3)) | 0;
    rc = (rc << 21) | (rc >>> 11);
    rd = (rd + 1) | 0;
    t = (t + rd) | 0;
    rc = (rc + t) | 0;
    return (t >>> 0) / 4294967296;
  };

  // ---- stack traces in V8's format ------------------------------------------------------------
  const RUNTIME_FRAMES = {
    invoke: [config.runtimeFrame],
    init: [
      '    at Module._compile (node:internal/modules/cjs/loader:1364:14)',
      '    at Module._extensions..js (node:internal/modules/cjs/loader:1422:10)',
      '    at Module.load (node:internal/modules/cjs/loader:1203:32)',
      '    at Module._load (node:internal/modules/cjs/loader:1019:12)',
      '    at Module.require (node:internal/modules/cjs/loader:1231:19)',
      '    at require (node:internal/modules/helpers:177:18)',
      '    at _tryRequireFile (file:///var/runtime/index.mjs:1002:37)',
      '    at _tryRequire (file:///var/runtime/index.mjs:1052:25)',
      '    at _loadUserApp (file:///var/runtime/index.mjs:1081:22)',
      '    at UserFunction.js.module.exports.load (file:///var/runtime/index.mjs:1119:27)',
    ],
    timer: [
      '    at listOnTimeout (node:internal/timers:573:17)',
      '    at process.processTimers (node:internal/timers:514:7)',
    ],
  };
  const OUTER_NAME = { invoke: null, init: 'Object.<anonymous>', timer: 'Timeout._onTimeout' };
  const PHASE_OF = { __labInvoke: 'invoke', __labInit: 'init', __labTimer: 'timer' };
  const FRAME = /^\s*at (.*?) \((.*):(\d+):(\d+)\)$|^\s*at (.*?):(\d+):(\d+)$/;

  // QuickJS's `stack` holds only frames; V8's starts with `Name: message`. Frames in the task file
  // move up one line (the CommonJS wrapper's own line); the runtime's frames become Node's.
  function v8Frames(stack) {
    const out = [];
    const user = [];
    let phase = null;
    for (const line of String(stack).split('\n')) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const name = m[1] !== undefined ? m[1] : '<anonymous>';
      const file = m[2] !== undefined ? m[2] : m[5];
      const ln = Number(m[3] !== undefined ? m[3] : m[6]);
      const col = Number(m[4] !== undefined ? m[4] : m[7]);
      if (file === TASK_FILE) {
        user.push({ name, line: ln - config.lineOffset, col: v8Column(ln - config.lineOffset, col) });
        continue;
      }
      if (PHASE_OF[name] !== undefined) { phase = PHASE_OF[name]; break; }
    }
    user.forEach((f, i) => {
      const outermost = i === user.length - 1;
      let name = f.name;
      if (outermost && (phase === 'invoke' || phase === null) && isHandlerName(name)) {
        name = name === '<anonymous>' || name === 'handler' ? 'Runtime.handler' : `Runtime.${name} [as handler]`;
      } else if (outermost && phase !== null && phase !== 'invoke' && name === '<anonymous>') {
        name = OUTER_NAME[phase];
      }
      if (classNames.has(name)) name = `new ${name}`;
      const where = `${TASK_FILE}:${f.line}:${f.col}`;
      out.push(name === '<anonymous>' ? `    at ${where}` : `    at ${name} (${where})`);
    });
    if (phase !== null) out.push(...RUNTIME_FRAMES[phase]);
    return out;
  }
  // QuickJS points at the constructor in `new X(...)`; V8 points at `new`.
  const sourceLines = String(config.source).split('\n');
  // V8 names constructor frames `new X`; QuickJS just `X`.
  const classNames = new Set(Array.from(String(config.source).matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g), (m) => m[1]));
  function v8Column(line, col) {
    const before = (sourceLines[line - 1] || '').slice(0, col - 1);
    const m = /new\s+$/.exec(before);
    return m ? col - m[0].length : col;
  }
  function isHandlerName(name) {
    return name === '<anonymous>' || name === state.handlerName || name === 'handler';
  }

  // V8's wording for the QuickJS messages learners meet most (errorMessage is what selection
  // patterns match, so it should read as on AWS).
  const V8_MESSAGES = [
    [/^cannot read property '(.*)' of (undefined|null)$/, "Cannot read properties of $2 (reading '$1')"],
    [/^cannot set property '(.*)' of (undefined|null)$/, "Cannot set properties of $2 (setting '$1')"],
    [/^'(.*)' is read-only$/, 'Assignment to constant variable.'],
    [/^invalid array length$/, 'Invalid array length'],
    [/^unexpected token in expression: '(.*)'$/, "Unexpected token '$1'"],
    [/^unexpected end of input$/, 'Unexpected end of input'],
  ];
  function v8Message(message) {
    if (typeof message !== 'string') return message;
    for (const [re, to] of V8_MESSAGES) if (re.test(message)) return message.replace(re, to);
    return message;
  }
  const ownStack = new WeakSet();
  function isQuickJsStack(stack) {
    return stack === undefined || String(stack).split('\n').every((l) => l === '' || /^\s+at /.test(l));
  }
  // `error.stack` as V8 would have it.
  function v8Stack(error) {
    const stack = error.stack;
    if (!isQuickJsStack(stack)) return String(stack);
    const name = error.name === undefined ? 'Error' : String(error.name);
    const message = v8Message(error.message === undefined ? '' : String(error.message));
    const head = message === '' ? name : name === '' ? message : `${name}: ${message}`;
    return [head, ...v8Frames(stack)].join('\n');
  }

  function isError(e) {
    if (e instanceof Error) return true;
    return Boolean(e && e.name && e.message && e.stack && typeof e.name === 'string' &&
      typeof e.message === 'string' && typeof e.stack === 'string');
  }
  const esc7f = (s) => (typeof s === 'string' ? s.replace(/\x7F/g, '%7F') : s);
  // The RIC's error-to-payload rule (§2.2).
  function formatError(error) {
    try {
      if (isError(error)) {
        return {
          errorType: esc7f(error.name),
          errorMessage: esc7f(v8Message(error.message)),
          trace: esc7f(v8Stack(error)).split('\n'),
        };
      }
      return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
    } catch (_) {
      return {
        errorType: 'handled',
        errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      };
    }
  }
  const INIT_FRAMES = [
    '    at _loadUserApp (file:///var/runtime/index.mjs:1087:17)',
    '    at async UserFunction.js.module.exports.load (file:///var/runtime/index.mjs:1119:21)',
    '    at async start (file:///var/runtime/index.mjs:1282:23)',
    '    at async file:///var/runtime/index.mjs:1288:1',
  ];
  function runtimeError(type, message, frames) {
    return { errorType: type, errorMessage: message, trace: [`${type}: ${message}`.split('\n'), frames].flat() };
  }

  // ---- JSON.parse with V8's error messages (a handler parsing a bad body is a classic) -------
  const realJsonParse = JSON.parse;
  JSON.parse = function parse(text, reviver) {
    try {
      return realJsonParse(text, reviver);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      throw new SyntaxError(v8JsonError(String(text)));
    }
  };
  function v8JsonError(src) {
    if (['undefined', 'NaN', 'Infinity', '[object Object]'].includes(src)) return `"${src}" is not valid JSON`;
    const found = jsonFault(src);
    if (found.end) return 'Unexpected end of JSON input';
    if (found.message && found.message.endsWith('after JSON')) return `${found.message} at position ${found.pos}`;
    if (found.message) return `${found.message} in JSON at position ${found.pos}`;
    const token = src[found.pos];
    let ctxText;
    if (src.length < 21) ctxText = `"${src}"`;
    else {
      const from = Math.max(0, found.pos - 10);
      const to = Math.min(src.length, found.pos + 10);
      ctxText = `${from > 0 ? '...' : ''}"${src.slice(from, to)}"${to < src.length ? '...' : ''}`;
    }
    return `Unexpected token '${token}', ${ctxText} is not valid JSON`;
  }
  // Where a JSON text first goes wrong, and how V8 words it.
  function jsonFault(src) {
    let i = 0;
    const ws = () => { while (i < src.length && ' \t\n\r'.includes(src[i])) i++; };
    const fail = (message) => { throw { pos: i, message }; };
    const end = () => { if (i >= src.length) throw { end: true }; };
    function value() {
      ws(); end();
      const c = src[i];
      if (c === '{') return object();
      if (c === '[') return array();
      if (c === '"') return string();
      if (c === '-' || (c >= '0' && c <= '9')) return number();
      // A literal fails at its first wrong character (`nope` at the `o`).
      const word = { t: 'true', f: 'false', n: 'null' }[c];
      if (word !== undefined) {
        for (const expected of word) {
          end();
          if (src[i] !== expected) fail();
          i++;
        }
        return;
      }
      fail();
    }
    function object() {
      i++; ws(); end();
      if (src[i] === '}') { i++; return; }
      for (;;) {
        ws(); end();
        if (src[i] !== '"') fail(src[i - 1] === ',' || /,\s*$/.test(src.slice(0, i)) ? "Expected double-quoted property name" : "Expected property name or '}'");
        string(); ws(); end();
        if (src[i] !== ':') fail("Expected ':' after property name");
        i++; value(); ws(); end();
        if (src[i] === '}') { i++; return; }
        if (src[i] !== ',') fail("Expected ',' or '}' after property value");
        i++;
      }
    }
    function array() {
      i++; ws(); end();
      if (src[i] === ']') { i++; return; }
      for (;;) {
        value(); ws(); end();
        if (src[i] === ']') { i++; return; }
        if (src[i] !== ',') fail("Expected ',' or ']' after array element");
        i++;
      }
    }
    function string() {
      const start = i;
      i++;
      for (;;) {
        if (i >= src.length) { i = start; fail('Unterminated string'); }
        const c = src[i];
        if (c === '"') { i++; return; }
        if (c < ' ') fail('Bad control character in string literal');
        if (c === '\\') {
          i++;
          if (i >= src.length) { i = start; fail('Unterminated string'); }
          if (src[i] === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(src.slice(i + 1, i + 5))) fail('Bad Unicode escape');
            i += 4;
          } else if (!'"\\/bfnrt'.includes(src[i])) fail('Bad escaped character');
        }
        i++;
      }
    }
    function number() {
      if (src[i] === '-') i++;
      end();
      if (src[i] === '0') i++;
      else if (src[i] >= '1' && src[i] <= '9') while (src[i] >= '0' && src[i] <= '9') i++;
      else fail('No number after minus sign');
      if (src[i] === '.') {
        i++;
        if (!(src[i] >= '0' && src[i] <= '9')) { end(); fail('Unterminated fractional number'); }
        while (src[i] >= '0' && src[i] <= '9') i++;
      }
      if (src[i] === 'e' || src[i] === 'E') {
        i++;
        if (src[i] === '+' || src[i] === '-') i++;
        if (!(src[i] >= '0' && src[i] <= '9')) { end(); fail('Exponent part is missing a number'); }
        while (src[i] >= '0' && src[i] <= '9') i++;
      }
    }
    try {
      value(); ws();
      if (i < src.length) fail('Unexpected non-whitespace character after JSON');
      return { pos: 0 };
    } catch (f) {
      return f;
    }
  }

  // ---- util.format / util.inspect (Node's console formatting) ---------------------------------
  const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  function quote(s) {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') ? '`' : "'";
    const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
      .replace(/\r/g, '\\r').replace(new RegExp(q, 'g'), '\\' + q);
    return q + body + q;
  }
  function fnTag(f) {
    const src = Function.prototype.toString.call(f);
    if (/^class\b/.test(src)) return `[class ${f.name || '(anonymous)'}]`;
    const kind = /^async\s+function\s*\*/.test(src) ? 'AsyncGeneratorFunction'
      : /^async\b/.test(src) ? 'AsyncFunction'
        : /^function\s*\*/.test(src) ? 'GeneratorFunction' : 'Function';
    return f.name ? `[${kind}: ${f.name}]` : `[${kind} (anonymous)]`;
  }
  function inspect(value, opts) {
    const ctx = { depth: opts && opts.depth !== undefined ? opts.depth : 2, seen: [], indent: 0, nested: 0 };
    return formatValue(ctx, value, 0, true);
  }
  function formatPrimitive(v, top) {
    switch (typeof v) {
      case 'string': return top ? v : quote(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'symbol': return v.toString();
      case 'undefined': return 'undefined';
      default: return String(v);
    }
  }
  function formatValue(ctx, v, depth, top) {
    if (v === null) return 'null';
    if (typeof v !== 'object' && typeof v !== 'function') return formatPrimitive(v, false);
    if (typeof v === 'function' && Object.keys(v).length === 0) return fnTag(v);
    if (ctx.seen.includes(v)) return '[Circular *1]';
    if (isError(v)) {
      const s = v8Stack(v);
      return ctx.indent ? s.split('\n').join('\n' + ' '.repeat(ctx.indent)) : s;
    }
    if (v instanceof RealDate) return invalid(v) ? 'Invalid Date' : v.toISOString();
    if (v instanceof RegExp) return String(v);
    if (v instanceof Promise) return 'Promise { <pending> }';
    const isArray = Array.isArray(v);
    let prefix = '';
    let braces = isArray ? ['[', ']'] : ['{', '}'];
    const entries = [];
    if (v instanceof Map) { prefix = `Map(${v.size}) `; }
    else if (v instanceof Set) { prefix = `Set(${v.size}) `; }
    else if (typeof v === 'function') { prefix = fnTag(v) + ' '; }
    else if (isArray) { if (v.constructor !== Array) prefix = `${v.constructor.name}(${v.length}) `; }
    else {
      const p = Object.getPrototypeOf(v);
      if (p === null) prefix = '[Object: null prototype] ';
      else if (p !== Object.prototype && p.constructor && p.constructor.name) prefix = `${p.constructor.name} `;
    }
    if (depth > ctx.depth) return isArray ? '[Array]' : `[${prefix.trim() || 'Object'}]`;
    ctx.seen.push(v);
    ctx.indent += 2;
    const inner = (x) => formatValue(ctx, x, depth + 1, false);
    if (v instanceof Map) for (const [k, x] of v) entries.push(`${inner(k)} => ${inner(x)}`);
    else if (v instanceof Set) for (const x of v) entries.push(inner(x));
    else if (isArray) {
      const shown = Math.min(v.length, 100);
      let holes = 0;
      for (let i = 0; i < shown; i++) {
        if (!(i in v)) { holes++; continue; }
        if (holes) { entries.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; }
        entries.push(inner(v[i]));
      }
      if (holes) entries.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      if (v.length > 100) entries.push(`... ${v.length - 100} more item${v.length - 100 > 1 ? 's' : ''}`);
    }
    for (const key of Object.keys(v)) {
      if (isArray && /^\d+$/.test(key)) continue;
      const d = Object.getOwnPropertyDescriptor(v, key);
      const k = IDENT.test(key) ? key : quote(key);
      if (d.get || d.set) entries.push(`${k}: [${d.get && d.set ? 'Getter/Setter' : d.get ? 'Getter' : 'Setter'}]`);
      else entries.push(`${k}: ${inner(d.value)}`);
    }
    ctx.indent -= 2;
    ctx.seen.pop();
    const nestedBelow = ctx.nested;
    ctx.nested = Math.max(ctx.nested, 0) + 1;
    if (entries.length === 0) return `${prefix}${braces[0]}${braces[1]}`;
    let output = entries;
    if (isArray && entries.length > 6) output = groupArrayElements(ctx, entries, v);
    if (output === entries) {
      const start = entries.length + ctx.indent + braces[0].length + prefix.length + 10;
      const total = entries.reduce((n, e) => n + e.length, start);
      if (nestedBelow < 3 && total <= 80 && !entries.some((e) => e.includes('\n'))) {
        return `${prefix}${braces[0]} ${entries.join(', ')} ${braces[1]}`;
      }
    }
    const pad2 = '\n' + ' '.repeat(ctx.indent);
    return `${prefix}${braces[0]}${pad2}  ${output.join(`,${pad2}  `)}${pad2}${braces[1]}`;
  }
  // Node prints long arrays of short items in aligned columns (numbers right-aligned).
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    const more = output.length > 0 && output[output.length - 1].startsWith('... ') ? 1 : 0;
    const count = output.length - more;
    const lengths = [];
    for (let i = 0; i < count; i++) {
      const len = output[i].length;
      lengths.push(len);
      totalLength += len + 2;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + 2;
    if (!(actualMax * 3 + ctx.indent < 80 && (totalLength / actualMax > 5 || maxLength <= 6))) return output;
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * count) / biasedMax),
      Math.floor((80 - ctx.indent) / actualMax),
      12,
      15,
    );
    if (columns <= 1) return output;
    const widths = [];
    for (let i = 0; i < columns; i++) {
      let w = 0;
      for (let j = i; j < count; j += columns) if (lengths[j] > w) w = lengths[j];
      widths.push(w + 2);
    }
    const numeric = Array.prototype.every.call(value, (x) => typeof x === 'number' || typeof x === 'bigint');
    const rows = [];
    for (let i = 0; i < count; i += columns) {
      const max = Math.min(i + columns, count);
      let row = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        row += numeric ? cell.padStart(widths[j - i], ' ') : cell.padEnd(widths[j - i], ' ');
      }
      row += numeric ? output[j].padStart(widths[j - i] - 2, ' ') : output[j];
      rows.push(row);
    }
    if (more) rows.push(output[count]);
    return rows;
  }
  function format(...args) {
    let out = '';
    let rest = args;
    if (typeof args[0] === 'string') {
      let i = 1;
      out = args[0].replace(/%[sdifjoOc%]/g, (m) => {
        if (m === '%%') return '%';
        if (i >= args.length) return m;
        const a = args[i++];
        switch (m) {
          case '%s': return typeof a === 'string' ? a : typeof a === 'bigint' ? `${a}n`
            : a !== null && typeof a === 'object' ? inspect(a, { depth: 1 }) : formatPrimitive(a, true);
          case '%d': return typeof a === 'bigint' ? `${a}n` : typeof a === 'object' && a !== null ? 'NaN' : formatPrimitive(Number(a));
          case '%i': return typeof a === 'bigint' ? `${a}n` : String(parseInt(a));
          case '%f': return String(parseFloat(a));
          case '%j': try { return realJsonStringify(a); } catch (_) { return '[Circular]'; }
          case '%c': return '';
          default: return inspect(a, { depth: 4 });
        }
      });
      rest = args.slice(i);
      for (const a of rest) out += ' ' + (typeof a === 'string' ? a : inspect(a));
      return out;
    }
    return rest.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  }
  const util = Object.freeze({ format, inspect });

  // ---- console --------------------------------------------------------------------------------
  function log(level) {
    return function (...args) {
      state.logs.push([level, now(), format(...args)]);
    };
  }
  const timers = new Map();
  G.console = {
    log: log('INFO'), info: log('INFO'), warn: log('WARN'), error: log('ERROR'),
    debug: log('DEBUG'), trace: log('TRACE'),
    dir: (v) => state.logs.push(['INFO', now(), inspect(v)]),
    assert: (ok, ...m) => { if (!ok) log('ERROR')('Assertion failed' + (m.length ? ': ' + format(...m) : '')); },
    time(label = 'default') { timers.set(String(label), state.clock); },
    timeEnd(label = 'default') {
      const started = timers.get(String(label));
      if (started === undefined) return;
      timers.delete(String(label));
      log('INFO')(`${label}: ${(state.clock - started).toFixed(3)}ms`);
    },
  };

  // ---- timers, in simulated time ----------------------------------------------------------------
  class Timeout {
    constructor(fn, delay, args, repeat) {
      this._id = ++state.timerSeq;
      this._fn = fn;
      this._args = args;
      this._delay = Math.max(1, Number(delay) || 0);
      this._repeat = repeat;
      this._ref = true;
      this._due = state.clock + this._delay;
      state.timers.push(this);
    }
    ref() { this._ref = true; return this; }
    unref() { this._ref = false; return this; }
    hasRef() { return this._ref; }
    refresh() { this._due = state.clock + this._delay; return this; }
    [Symbol.toPrimitive]() { return this._id; }
  }
  function clear(t) {
    const i = state.timers.findIndex((x) => x === t || x._id === Number(t));
    if (i >= 0) state.timers.splice(i, 1);
  }
  G.setTimeout = (fn, delay, ...args) => new Timeout(fn, delay, args, false);
  G.setInterval = (fn, delay, ...args) => new Timeout(fn, delay, args, true);
  G.setImmediate = (fn, ...args) => { const t = new Timeout(fn, 0, args, false); t._due = state.clock; return t; };
  G.clearTimeout = clear;
  G.clearInterval = clear;
  G.clearImmediate = clear;
  function nextTimer() {
    let best = null;
    for (const t of state.timers) {
      if (best === null || t._due < best._due || (t._due === best._due && t._id < best._id)) best = t;
    }
    return best;
  }
  function __labTimer(t) {
    return t._fn.apply(undefined, t._args);
  }

  // ---- process (environment only: no exit codes, signals or child processes) -------------------
  const env = Object.assign(Object.create(null), config.env);
  class ProcessExit { constructor(code) { this.code = code; } }
  G.process = {
    env,
    version: config.nodeVersion,
    versions: { node: config.nodeVersion.slice(1) },
    platform: 'linux',
    arch: 'x64',
    nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
    hrtime: Object.assign(() => { const ms = performance.now(); return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)]; },
      { bigint: () => BigInt(Math.round(performance.now() * 1e6)) }),
    uptime: () => performance.now() / 1000,
    cwd: () => '/var/task',
    exit(code) { state.exitCode = code === undefined ? 0 : Number(code); throw new ProcessExit(state.exitCode); },
  };

  // ---- Buffer (the common subset: utf8 / base64 / hex round trips) -----------------------------
  class Buffer extends Uint8Array {
    static from(v, enc) {
      if (typeof v === 'string') return Buffer._fromString(v, enc);
      if (v instanceof ArrayBuffer) return new Buffer(v);
      return new Buffer(Array.from(v));
    }
    static _fromString(s, enc = 'utf8') {
      switch (String(enc).toLowerCase()) {
        case 'base64': case 'base64url': {
          const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '').padEnd(Math.ceil(s.length / 4) * 4, '='));
          return new Buffer(Array.from(bin, (c) => c.charCodeAt(0)));
        }
        case 'hex': return new Buffer((s.match(/../g) || []).map((h) => parseInt(h, 16)));
        case 'latin1': case 'binary': case 'ascii': return new Buffer(Array.from(s, (c) => c.charCodeAt(0) & 255));
        default: return new Buffer(Array.from(unescape(encodeURIComponent(s)), (c) => c.charCodeAt(0)));
      }
    }
    static isBuffer(b) { return b instanceof Buffer; }
    static byteLength(s, enc) { return Buffer.from(s, enc).length; }
    static alloc(n) { return new Buffer(n); }
    static concat(list) { return Buffer.from(list.flatMap((b) => Array.from(b))); }
    toString(enc = 'utf8') {
      const bin = Array.from(this, (b) => String.fromCharCode(b)).join('');
      switch (String(enc).toLowerCase()) {
        case 'base64': return btoa(bin);
        case 'base64url': return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        case 'hex': return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('');
        case 'latin1': case 'binary': case 'ascii': return bin;
        default: try { return decodeURIComponent(escape(bin)); } catch (_) { return bin; }
      }
    }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
  }
  G.Buffer = Buffer;

  // ---- require ------------------------------------------------------------------------------------
  const BUILTIN = new Set(['assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events',
    'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'querystring', 'readline', 'stream',
    'string_decoder', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib', 'process']);
  const AVAILABLE = { util, buffer: { Buffer }, timers: { setTimeout: G.setTimeout, setInterval: G.setInterval,
    setImmediate: G.setImmediate, clearTimeout: clear, clearInterval: clear, clearImmediate: clear } };
  const missingModules = new WeakMap();
  function require(name) {
    const bare = String(name).replace(/^node:/, '');
    if (Object.prototype.hasOwnProperty.call(AVAILABLE, bare)) return AVAILABLE[bare];
    const err = new Error(`Cannot find module '${name}'\nRequire stack:\n- ${TASK_FILE}`);
    err.code = 'MODULE_NOT_FOUND';
    err.requireStack = [TASK_FILE];
    missingModules.set(err, String(name));
    throw err;
  }
  function moduleHint(name) {
    const bare = name.replace(/^node:/, '');
    if (bare.startsWith('@aws-sdk/') || bare === 'aws-sdk') {
      return `apigw-lab: the AWS SDK ('${name}') is part of the real Node.js runtime, but the lab's sandbox has no SDK and no network.`;
    }
    if (BUILTIN.has(bare)) {
      return `apigw-lab: the Node.js built-in '${name}' is not available in the lab's sandbox (no file system, network or process); available: ${Object.keys(AVAILABLE).join(', ')}.`;
    }
    return `apigw-lab: handler code runs without node_modules, so npm packages such as '${name}' cannot be loaded; inline what you need.`;
  }

  // ---- loading the handler -------------------------------------------------------------------
  let handler = null;
  const module = { exports: {}, id: '.', filename: TASK_FILE, loaded: false, children: [], paths: [] };
  function __labInit(wrapper) {
    wrapper.call(module.exports, module.exports, require, module, TASK_FILE, '/var/task');
  }
  function initError(e) {
    if (e instanceof ProcessExit) return exitError(e.code);
    const missing = e !== null && typeof e === 'object' ? missingModules.get(e) : undefined;
    if (missing !== undefined) {
      const message = `Error: Cannot find module '${missing}'\nRequire stack:\n- ${TASK_FILE}\n- /var/runtime/index.mjs\n${moduleHint(missing)}`;
      return runtimeError('Runtime.ImportModuleError', message, INIT_FRAMES);
    }
    return formatError(e);
  }
  function exitError(code) {
    const message = code === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${code}`;
    return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${config.requestId} Error: ${message}`, exit: true };
  }

  // Returns null, or the init error's payload object.
  function load(wrapper) {
    try {
      __labInit(wrapper);
    } catch (e) {
      return initError(e);
    }
    return bindHandler(module.exports);
  }
  function loadModule(namespace) {
    return bindHandler(namespace);
  }
  function bindHandler(exportsObject) {
    module.loaded = true;
    const h = exportsObject === null || exportsObject === undefined ? undefined : exportsObject.handler;
    if (h === undefined || h === null) {
      return runtimeError('Runtime.HandlerNotFound', `${config.handlerString} is undefined or not exported`, INIT_FRAMES.slice(1));
    }
    if (typeof h !== 'function') {
      return runtimeError('Runtime.HandlerNotFound', `${config.handlerString} is not a function`, INIT_FRAMES.slice(1));
    }
    handler = h;
    state.handlerName = h.name;
    return null;
  }

  // A syntax error while compiling the task file: Node's message and the caret block its log shows.
  function syntaxError(e, source) {
    const message = v8Message(String(e && e.message));
    const m = /:(\d+):(\d+)\)?\s*$/m.exec(String(e && e.stack));
    let where = null;
    if (m) {
      const line = Number(m[1]) - config.lineOffset;
      const col = Number(m[2]);
      const text = String(source).split('\n')[line - 1] || '';
      where = { line, col, caret: `${TASK_FILE}:${line}\n${text}\n${' '.repeat(Math.max(0, col - 1))}^` };
    }
    const payload = runtimeError('Runtime.UserCodeSyntaxError', `SyntaxError: ${message}`, INIT_FRAMES);
    payload.position = where;
    return payload;
  }

  // ---- invoking ---------------------------------------------------------------------------------
  function settle(result) {
    if (state.result === null) state.result = result;
  }
  function succeedWith(value) {
    try {
      settle({ ok: true, payload: realJsonStringify(value === undefined ? null : value) });
    } catch (_) {
      settle({ ok: false, error: runtimeError('Error', 'Unable to stringify response body', [
        '    at _trySerializeResponse (file:///var/runtime/index.mjs:1197:13)',
        '    at RAPIDClient.postInvocationResponse (file:///var/runtime/index.mjs:1015:32)',
      ]) });
    }
  }
  function failWith(err) {
    if (err instanceof ProcessExit) { settle({ ok: false, error: exitError(err.code) }); return; }
    settle({ ok: false, error: formatError(err) });
  }
  // The RIC's `context.fail`: a missing error becomes the string 'handled'.
  function fail(err) {
    failWith(err === undefined || err === null ? 'handled' : err);
  }
  function done(err, value) {
    if (err !== null && err !== undefined) failWith(err);
    else succeedWith(value);
  }
  function makeContext() {
    const ctx = {};
    Object.defineProperty(ctx, 'callbackWaitsForEmptyEventLoop', {
      get: () => state.waitsForEmptyLoop,
      set: (v) => { state.waitsForEmptyLoop = v; },
      enumerable: true,
    });
    // The legacy methods answer at once, without waiting for the event loop.
    ctx.succeed = (result) => { state.viaCallback = true; state.waitsForEmptyLoop = false; done(null, result); };
    ctx.fail = (err) => { state.viaCallback = true; state.waitsForEmptyLoop = false; fail(err); };
    ctx.done = (err, result) => { state.viaCallback = true; state.waitsForEmptyLoop = false; done(err, result); };
    Object.assign(ctx, {
      functionVersion: '$LATEST',
      functionName: config.functionName,
      memoryLimitInMB: String(config.memoryMb),
      logGroupName: `/aws/lambda/${config.functionName}`,
      logStreamName: config.logStream,
      clientContext: undefined,
      identity: undefined,
      invokedFunctionArn: config.functionArn,
      awsRequestId: config.requestId,
      getRemainingTimeInMillis: function getRemainingTimeInMillis() {
        now();
        return Math.max(0, Math.floor(config.timeoutMs - (state.clock - state.start)));
      },
    });
    return ctx;
  }
  function __labInvoke(event, context, callback) {
    return handler(event, context, callback);
  }
  function invoke(eventJson) {
    const callback = (err, value) => { state.viaCallback = true; done(err, value); };
    let returned;
    try {
      returned = __labInvoke(JSON.parse(eventJson), makeContext(), callback);
    } catch (e) {
      fail(e);
      return;
    }
    if (returned !== null && (typeof returned === 'object' || typeof returned === 'function') &&
        typeof returned.then === 'function') {
      try {
        returned.then((v) => done(null, v), fail);
      } catch (e) {
        fail(e);
      }
    }
  }
  function onRejection(promise, reason, handled) {
    if (handled) state.rejections.delete(promise);
    else state.rejections.set(promise, reason);
  }
  // 1 when the invocation has its answer, 0 while it waits on the event loop.
  function poll() {
    if (state.rejections.size > 0 && state.result === null) {
      const reason = state.rejections.values().next().value;
      let text;
      try { text = reason === undefined || reason === null ? String(reason) : reason.toString(); } catch (_) { text = ''; }
      settle({ ok: false, error: runtimeError('Runtime.UnhandledPromiseRejection', text, [
        '    at process.<anonymous> (file:///var/runtime/index.mjs:1276:17)',
        '    at process.emit (node:events:517:28)',
        '    at emit (node:internal/process/promises:149:20)',
        '    at processPromiseRejections (node:internal/process/promises:283:27)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:96:32)',
      ]) });
      state.rejections.clear();
    }
    if (state.result === null) return 0;
    if (state.viaCallback && state.waitsForEmptyLoop && state.result.ok && refTimers() > 0) return 0;
    return 1;
  }
  function refTimers() {
    return state.timers.filter((t) => t._ref).length;
  }
  // The next timer's due time (simulated ms since the start), or -1 when none keeps the loop alive.
  function nextDue() {
    if (refTimers() === 0) return -1;
    return nextTimer()._due - state.start;
  }
  function runTimer() {
    const t = nextTimer();
    if (t === null) return;
    state.clock = Math.max(state.clock, t._due);
    if (t._repeat) t._due = state.clock + t._delay;
    else clear(t);
    try {
      __labTimer(t);
    } catch (e) {
      // An exception in a timer callback crashes Node; the RIC reports it as the invocation's error.
      if (e instanceof ProcessExit) settle({ ok: false, error: exitError(e.code) });
      else settle({ ok: false, error: formatError(e) });
    }
  }
  // The loop emptied without an answer: Node's runtime answers `null`.
  function loopEmpty() {
    settle({ ok: true, payload: 'null' });
  }
  function outcome() {
    return realJsonStringify({ result: state.result, elapsed: state.clock - state.start, logs: state.logs });
  }
  function advance(ms) {
    state.clock = state.start + ms;
  }
  G.__labRejection = onRejection;
  G.global = G;

  return { load, loadModule, syntaxError, invoke, poll, nextDue, runTimer, loopEmpty, outcome, formatError, advance, util };
})
