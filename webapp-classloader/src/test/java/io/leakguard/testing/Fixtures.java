package io.leakguard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.catalina.Context;

/** The usual life of a fixture in a test: deploy, trigger the leak over HTTP, undeploy, then judge. */
public final class Fixtures {

    /** What a test asserts once the context is gone, while the server and its threads still run. */
    @FunctionalInterface
    public interface Verdict {
        void judge(WeakReference<ClassLoader> loader, LogCapture log);
    }

    private Fixtures() {
    }

    /** The fixture at /app on a Tomcat with leakguard's class loader. */
    public static void guarded(String fixture, String request, Verdict verdict) {
        run(fixture, request, true, verdict);
    }

    /** The fixture at /app on stock Tomcat, to show the leak is real. */
    public static void stock(String fixture, String request, Verdict verdict) {
        run(fixture, request, false, verdict);
    }

    /**
     * Calls {@code request} a few times so that several pool threads take part, undeploys, and hands the loader to
     * {@code verdict} before Tomcat stops, since stopping Tomcat ends the threads that hold most leaks.
     */
    public static void run(String fixture, String request, boolean withLeakGuard, Verdict verdict) {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            WeakReference<ClassLoader> loader = deployUseUndeploy(tomcat, fixture, request, withLeakGuard);
            verdict.judge(loader, log);
        }
    }

    private static WeakReference<ClassLoader> deployUseUndeploy(EmbeddedTomcat tomcat, String fixture, String request,
            boolean withLeakGuard) {
        Context context = tomcat.deploy(fixture, "/app", withLeakGuard);
        for (int i = 0; i < 4; i++) {
            tomcat.get("/app" + request);
        }
        return tomcat.undeploy(context);
    }

    public static String single(List<String> warnings) {
        assertEquals(1, warnings.size(), String.join("\n", warnings));
        return warnings.get(0);
    }

    /**
     * The site as instrumentation writes it, {@code a.b.C.method(C.java:N)}, with N the one line of the fixture's
     * source that holds {@code lineText}; a nested class {@code a.b.C$D} is in {@code C.java}.
     */
    public static String site(String module, String className, String method, String lineText) {
        return site(Path.of("..", "fixtures", module, "src", "main", "java"), className, method, lineText);
    }

    /** The same for sources under {@code sources}, such as a fixture the test compiles itself. */
    public static String site(Path sources, String className, String method, String lineText) {
        String topLevel = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        String simple = topLevel.substring(topLevel.lastIndexOf('.') + 1);
        Path source = sources.resolve(topLevel.replace('.', '/') + ".java");
        try {
            List<String> lines = Files.readAllLines(source);
            List<Integer> matching = Stream.iterate(0, i -> i < lines.size(), i -> i + 1)
                    .filter(i -> lines.get(i).contains(lineText)).toList();
            assertEquals(1, matching.size(), "one line of " + source + " holds " + lineText);
            return className + "." + method + "(" + simple + ".java:" + (matching.get(0) + 1) + ")";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
