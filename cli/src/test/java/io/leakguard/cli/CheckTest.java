package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} on real WARs in a real embedded Tomcat: what it reports and the exit code it gives. */
class CheckTest {

    @TempDir
    Path dir;

    @Test
    void cleanWarExitsZero() {
        Run run = Run.of("check", Wars.fixture(dir, "clean").toString(), "--request", "/leak", "--cycles", "2");
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().contains("cycle 1: class loader collected"), run.all());
        assertTrue(run.out().contains("cycle 2: class loader collected"), run.all());
        assertTrue(run.out().contains("GET /clean/leak -> 200"), run.all());
        assertTrue(run.out().matches("(?s).*\nbefore the first deploy: \\d+ classes, [0-9.]+ MB metaspace; at the end: "
                + "\\d+ classes, [0-9.]+ MB metaspace\n"
                + "growth from cycle 1 to cycle 2: [+-]\\d+ classes, [+-][0-9.]+ [KM]B "
                + "metaspace\n.*"), run.all());
        assertTrue(run.out().contains("result: 0 of 2 class loaders survived"), run.all());
    }

    @Test
    void leakOnStockTomcatExitsOneAndSaysWhatHoldsIt() {
        Run run = Run.of("check", Wars.fixture(dir, "threadlocal-custom").toString(), "--request", "/leak",
                "--cycles", "1", "--without-leakguard");
        assertEquals(1, run.code(), run.all());
        assertTrue(run.out().contains("stock Tomcat (without leakguard)"), run.all());
        assertTrue(run.out().contains("cycle 1: class loader NOT collected (leaked)"), run.all());
        assertTrue(run.out().contains("held by:\n    leak kind: ThreadLocal"), run.all());
        assertTrue(run.out().contains("-> ThreadLocal$ThreadLocalMap$Entry.value = io.leakguard.fixture."
                + "threadlocalcustom.CustomThreadLocalServlet$Counter@"), run.all());
        assertTrue(run.out().contains("<== cut this reference"), run.all());
        assertTrue(run.out().contains("result: 1 of 1 class loaders survived"), run.all());
    }

    @Test
    void stockTomcatsOwnLeakWarningIsInTheReportOnOneLine() {
        Run run = Run.of("check", Wars.fixture(dir, "thread-spawned").toString(), "--request", "/leak",
                "--cycles", "1", "--without-leakguard");
        assertEquals(1, run.code(), run.all());
        assertTrue(run.out().contains("\n    warning: Tomcat: The web application [thread-spawned] appears to have "
                + "started a thread named [spawned-waiter] but has failed to stop it. This is very likely to create a "
                + "memory leak.\n  held by:\n"), run.all());
        assertTrue(run.out().contains("GC root: live thread \"spawned-waiter\""), run.all());
    }

    @Test
    void sameLeakWithLeakGuardIsFixedAndCollected() {
        Run run = Run.of("check", Wars.fixture(dir, "threadlocal-custom").toString(), "--request", "/leak",
                "--cycles", "2");
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().contains("    fixed: leakguard: [/threadlocal-custom] ThreadLocal leak: ThreadLocal "
                + "io.leakguard.fixture.threadlocalcustom.CustomThreadLocalServlet$CounterThreadLocal@"), run.all());
        assertTrue(run.out().contains("cycle 2: class loader collected"), run.all());
        assertTrue(run.err().contains("leakguard: started Tomcat on 127.0.0.1 with leakguard\n"), run.all());
        assertTrue(run.err().contains("leakguard: cycle 2/2: deploy /threadlocal-custom"), run.all());
    }

    @Test
    void requestAnswering404Or500IsReportedNotFatal() {
        Path war = Wars.of(dir.resolve("broken-servlet.war"), Map.of("WEB-INF/web.xml", """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <servlet><servlet-name>gone</servlet-name><servlet-class>example.Missing</servlet-class></servlet>
                  <servlet-mapping><servlet-name>gone</servlet-name><url-pattern>/boom</url-pattern></servlet-mapping>
                </web-app>
                """, "index.html", "hello"));
        Run run = Run.of("check", war.toString(), "--request", "/boom", "--request", "/nowhere", "--request",
                "/index.html", "--cycles", "1");
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().contains("GET /broken-servlet/boom -> 500   (failed:"), run.all());
        assertTrue(run.out().contains("GET /broken-servlet/nowhere -> 404   (failed:"), run.all());
        assertTrue(run.out().contains("GET /broken-servlet/index.html -> 200\n"), run.all());
        assertTrue(!run.err().contains("\tat "), run.all());
    }
}
