// Apache Velocity 1.7 on a warmed JVM: parse once, merge repeatedly, print ms per render.
// The payload is read with the differential oracle's JSON reader (tests/java/VelocityOracle.java).

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.runtime.RuntimeInstance;

public class VelocityPeer {
    public static void main(String[] args) throws Exception {
        String src = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> ctx = (Map<String, Object>) new VelocityOracle.Json(
                Files.readString(Path.of(args[1]), StandardCharsets.UTF_8)).parseValue();
        int iterations = Integer.parseInt(args[2]);

        RuntimeInstance rs = new RuntimeInstance();
        rs.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        rs.init();
        Template template = new Template();
        template.setRuntimeServices(rs);
        template.setName("bench");
        template.setData(rs.parse(new StringReader(src), "bench"));
        template.initDocument();

        String out = "";
        // Warm up until the JIT has compiled the hot paths.
        for (int i = 0; i < 2000; i++) {
            out = render(template, ctx);
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            out = render(template, ctx);
        }
        double ms = (System.nanoTime() - start) / 1e6 / iterations;
        Files.writeString(Path.of(System.getenv("PEER_OUT")), out, StandardCharsets.UTF_8);
        System.out.printf("%.4f%n", ms);
    }

    static String render(Template template, Map<String, Object> ctx) {
        VelocityContext context = new VelocityContext();
        for (Map.Entry<String, Object> e : ctx.entrySet()) {
            context.put(e.getKey(), e.getValue());
        }
        StringWriter writer = new StringWriter();
        template.merge(context, writer);
        return writer.toString();
    }
}
