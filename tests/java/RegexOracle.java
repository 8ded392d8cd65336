// The reference side of tests/java_regex.rs: runs java.util.regex over a batch of cases.
//
// Input (stdin), one case per line, tab-separated, every text field hex-encoded UTF-8:
//   op  flags  pattern  input  extra
// op: m = compile + matches() + every find(); r = replaceAll(extra); f = replaceFirst(extra);
//     s = split(input, limit = extra as decimal).
// Output (stdout), one line per case:
//   E <hex description> <index>          PatternSyntaxException
//   X <hex "Class: message">             any other exception (replacement errors, ...)
//   T                                    gave up: too many steps (catastrophic backtracking)
//   M <0|1> <start-end,...>              matches() and the find() spans in UTF-16 units
//   R <hex result>                       replaceAll / replaceFirst
//   S <count> <hex part>,<hex part>...   split
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.regex.*;

public class RegexOracle {
    /** Stops runaway backtracking: every character read counts. */
    static final class Budget implements CharSequence {
        final String s; long left;
        Budget(String s, long left) { this.s = s; this.left = left; }
        public char charAt(int i) { if (--left < 0) throw new Exhausted(); return s.charAt(i); }
        public int length() { return s.length(); }
        public CharSequence subSequence(int a, int b) { return s.substring(a, b); }
        public String toString() { return s; }
    }
    static final class Exhausted extends RuntimeException {}

    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }

    static final char[] DIGITS = "0123456789abcdef".toCharArray();

    static String hex(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    static String run(String[] f) {
        String op = f[0];
        int flags = Integer.parseInt(f[1]);
        String pattern = unhex(f[2]), input = unhex(f[3]), extra = f.length > 4 ? unhex(f[4]) : "";
        Pattern p;
        try {
            p = Pattern.compile(pattern, flags);
        } catch (PatternSyntaxException e) {
            return "E\t" + hex(e.getDescription()) + "\t" + e.getIndex();
        } catch (StackOverflowError e) {
            return "X\t" + hex("java.lang.StackOverflowError: compile");
        }
        Budget text = new Budget(input, 20_000_000L);
        try {
            switch (op) {
                case "m": {
                    boolean whole = p.matcher(text).matches();
                    StringBuilder spans = new StringBuilder();
                    Matcher m = p.matcher(text);
                    int n = 0;
                    while (m.find() && n++ < 1000) {
                        if (spans.length() > 0) spans.append(',');
                        spans.append(m.start()).append('-').append(m.end());
                    }
                    return "M\t" + (whole ? 1 : 0) + "\t" + spans;
                }
                case "r": return "R\t" + hex(p.matcher(text).replaceAll(extra));
                case "f": return "R\t" + hex(p.matcher(text).replaceFirst(extra));
                case "s": {
                    String[] parts = p.split(text, Integer.parseInt(extra));
                    StringBuilder sb = new StringBuilder("S\t" + parts.length + "\t");
                    for (int i = 0; i < parts.length; i++) sb.append(i > 0 ? "," : "").append(hex(parts[i]));
                    return sb.toString();
                }
                default: return "X\t" + hex("unknown op " + op);
            }
        } catch (Exhausted | StackOverflowError e) {
            return "T";
        } catch (RuntimeException e) {
            return "X\t" + hex(e.getClass().getName() + ": " + e.getMessage());
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        String line;
        while ((line = in.readLine()) != null) {
            out.println(run(line.split("\t", -1)));
        }
        out.flush();
    }
}
