// Reference renderer for the differential test `tests/velocity.rs`: renders many templates in one
// JVM with Apache Velocity 1.7 and prints one JSON object per case.
//
// Input (file named by args[0], UTF-8): JSON lines {"id": "...", "template": "...", "context": {...}}.
// Output (stdout, UTF-8): JSON lines {"id", "ok": true, "output"} or
// {"id", "ok": false, "error": exception class, "message", "line", "column"}.
//
// Each case gets a fresh VelocityEngine so that inline macros cannot leak from one case into
// the next (Velocity 1.7 registers them globally by default).

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.exception.MethodInvocationException;
import org.apache.velocity.exception.ParseErrorException;
import org.apache.velocity.exception.TemplateInitException;

public class VelocityOracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(
                new InputStreamReader(new FileInputStream(args[0]), StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> request = (Map<String, Object>) new Json(line).parseValue();
            out.write(renderCase(request));
            out.write('\n');
        }
        out.flush();
    }

    static VelocityEngine newEngine() throws Exception {
        VelocityEngine engine = new VelocityEngine();
        // Plain engine defaults (non-strict references), with logging silenced.
        engine.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        engine.setProperty("runtime.references.strict", "false");
        engine.init();
        return engine;
    }

    @SuppressWarnings("unchecked")
    static String renderCase(Map<String, Object> request) throws Exception {
        String id = String.valueOf(request.get("id"));
        String template = (String) request.get("template");
        Object ctx = request.get("context");
        VelocityContext context = new VelocityContext();
        if (ctx instanceof Map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) ctx).entrySet()) {
                context.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        StringWriter writer = new StringWriter();
        try {
            newEngine().evaluate(context, writer, "case", template);
            result.put("ok", Boolean.TRUE);
            result.put("output", writer.toString());
        } catch (ParseErrorException e) {
            failure(result, e, e.getLineNumber(), e.getColumnNumber());
        } catch (MethodInvocationException e) {
            failure(result, e, e.getLineNumber(), e.getColumnNumber());
        } catch (TemplateInitException e) {
            failure(result, e, e.getLineNumber(), e.getColumnNumber());
        } catch (Throwable e) {
            failure(result, e, -1, -1);
        }
        return Json.write(result);
    }

    static void failure(Map<String, Object> result, Throwable e, int line, int column) {
        result.put("ok", Boolean.FALSE);
        result.put("error", e.getClass().getSimpleName());
        String message = e.getMessage();
        // A wrapped Java exception is more telling than Velocity's wrapper text.
        if (e instanceof MethodInvocationException && e.getCause() != null) {
            message = message + " [cause: " + e.getCause() + "]";
        }
        result.put("message", message == null ? "" : message);
        result.put("line", line);
        result.put("column", column);
    }

    /** Minimal JSON reader/writer: objects keep insertion order, numbers become Java's natural types. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parseValue() {
            skipWs();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return parseObject();
                case '[':
                    return parseArray();
                case '"':
                    return parseString();
                case 't':
                    expect("true");
                    return Boolean.TRUE;
                case 'f':
                    expect("false");
                    return Boolean.FALSE;
                case 'n':
                    expect("null");
                    return null;
                default:
                    return parseNumber();
            }
        }

        private Map<String, Object> parseObject() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipWs();
            if (s.charAt(i) == '}') {
                i++;
                return map;
            }
            while (true) {
                skipWs();
                String key = parseString();
                skipWs();
                expect(":");
                map.put(key, parseValue());
                skipWs();
                char c = s.charAt(i++);
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or } at " + (i - 1));
                }
            }
        }

        private List<Object> parseArray() {
            List<Object> list = new ArrayList<>();
            i++;
            skipWs();
            if (s.charAt(i) == ']') {
                i++;
                return list;
            }
            while (true) {
                list.add(parseValue());
                skipWs();
                char c = s.charAt(i++);
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or ] at " + (i - 1));
                }
            }
        }

        private String parseString() {
            expect("\"");
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u':
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: b.append(e);
                }
            }
        }

        private Object parseNumber() {
            int start = i;
            boolean decimal = false;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                char c = s.charAt(i++);
                decimal |= c == '.' || c == 'e' || c == 'E';
            }
            String text = s.substring(start, i);
            if (text.isEmpty()) {
                throw new IllegalArgumentException("unexpected character at " + start);
            }
            if (decimal) {
                return Double.valueOf(text);
            }
            BigInteger n = new BigInteger(text);
            if (n.bitLength() < 32) {
                return n.intValue();
            }
            if (n.bitLength() < 64) {
                return n.longValue();
            }
            return new BigDecimal(n);
        }

        private void expect(String word) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("expected " + word + " at " + i);
            }
            i += word.length();
        }

        private void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        static String write(Map<String, Object> map) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<String, Object> e : map.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(b, e.getKey());
                b.append(':');
                Object v = e.getValue();
                if (v instanceof String) {
                    quote(b, (String) v);
                } else {
                    b.append(v);
                }
            }
            return b.append('}').toString();
        }

        private static void quote(StringBuilder b, String text) {
            b.append('"');
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
    }
}
