package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Platform threads made through {@code Thread.Builder} (Java 21): their warnings name the line that made them. The
 * build targets Java 17, so the fixture's source is compiled here, by the JVM under test; that is why this runs only
 * from Java 21 on (the Temurin 25 pass of ./test).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class ThreadBuilderSitesTest {

    private static final Path SOURCES = Path.of("..", "fixtures", "thread-builder", "src", "main", "java");
    private static final String SERVLET = "io.leakguard.fixture.threadbuilder.ThreadBuilderServlet";

    @Test
    void eachThreadSaysWhichLineMadeIt() throws IOException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context app = tomcat.deploy(compiledWebapp(), "/app", true);
            tomcat.get("/app/leak");
            WeakReference<ClassLoader> loader = tomcat.undeploy(app);

            assertTrue(Gc.collected(loader), log.all());
            assertCreatedAt(log, "builder-started", site("name(\"builder-started\").start("));
            assertCreatedAt(log, "builder-plain", site("builder.start("));
            assertCreatedAt(log, "builder-unstarted", site("name(\"builder-unstarted\").unstarted("));
        }
    }

    private static void assertCreatedAt(LogCapture log, String thread, String site) {
        String warning = Fixtures.single(log.warnings("/app").stream()
                .filter(w -> w.contains("] Thread leak: thread \"" + thread + "\"")).toList());
        assertTrue(warning.contains("; created at " + site + "; fixed: "), warning);
    }

    private static String site(String lineText) {
        return Fixtures.site(SOURCES, SERVLET, "doGet", lineText);
    }

    /** The fixture as an unpacked web application: its servlet compiled against the servlet API and leakguard. */
    private static Path compiledWebapp() throws IOException {
        Path webapp = Path.of("target", "thread-builder").toAbsolutePath();
        Path classes = Files.createDirectories(webapp.resolve("WEB-INF").resolve("classes"));
        String classPath = location(HttpServlet.class);
        Path source = SOURCES.resolve(SERVLET.replace('.', '/') + ".java");
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-d", classes.toString(), "-cp", classPath, source.toString());
        assertEquals(0, status, "javac " + source);
        return webapp;
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
