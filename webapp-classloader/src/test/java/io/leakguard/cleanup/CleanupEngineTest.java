package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's promises that hold whatever the checks do: isolation, policy, and the start-up report. */
class CleanupEngineTest {

    private final ClassLoader dying = new ClassLoader(getClass().getClassLoader()) { };

    @Test
    void aFailingCheckIsReportedAndTheNextOneStillRuns() {
        List<String> ran = new ArrayList<>();
        CleanupEngine engine = new CleanupEngine(List.of(
                check("first", scan -> {
                    ran.add("first");
                    throw new IllegalStateException("boom");
                }),
                check("second", scan -> {
                    ran.add("second");
                    scan.leak("something").fixed("done");
                })));

        Report report = engine.clean(dying, "/app", Policy.defaults());

        assertEquals(List.of("first", "second"), ran);
        assertEquals(2, report.findings().size());
        assertEquals("leakguard: [/app] Test leak: the first check failed; skipped: "
                + "java.lang.IllegalStateException: boom", report.findings().get(0).message());
        assertEquals("leakguard: [/app] stopped: 1 leaks fixed, 0 warned, 1 skipped in "
                + report.elapsed().toMillis() + " ms", report.summary());
    }

    @Test
    void aCheckWhoseInternalsAreClosedIsSkippedAndNamedOnceWithItsFlag() {
        Internal closed = JdkInternals.field("java.lang.Thread", "noSuchFieldAnywhere");
        List<String> ran = new ArrayList<>();
        LeakCheck needy = new TestCheck("needy", scan -> ran.add("needy")) {
            @Override
            public List<Internal> needs() {
                return List.of(closed);
            }
        };
        CleanupEngine engine = new CleanupEngine(List.of(needy));

        assertTrue(engine.clean(dying, "/app", Policy.defaults()).findings().isEmpty());
        assertEquals(List.of(), ran);
        assertEquals("leakguard: some checks cannot run on this JVM and are off: not present on Java "
                + Runtime.version().feature() + " (needed by needy). Add the flags to CATALINA_OPTS or JAVA_OPTS"
                + " to switch them on.", engine.unavailableMessage());
    }

    @Test
    void checksNeverRunWithTheDyingLoaderAsContextLoader() {
        List<ClassLoader> seen = new ArrayList<>();
        CleanupEngine engine = new CleanupEngine(List.of(
                check("spy", scan -> seen.add(Thread.currentThread().getContextClassLoader()))));
        Thread.currentThread().setContextClassLoader(dying);
        try {
            engine.clean(dying, "/app", Policy.defaults());
            assertEquals(List.of(CleanupEngine.class.getClassLoader()), seen);
            assertEquals(dying, Thread.currentThread().getContextClassLoader());
        } finally {
            Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        }
    }

    @Test
    void theRealCatalogueHasNothingClosedWithCatalinaFlags() {
        assertNull(CleanupEngine.standard().unavailableMessage());
    }

    private static LeakCheck check(String id, Body body) {
        return new TestCheck(id, body);
    }

    private interface Body {
        void run(Scan scan);
    }

    private static class TestCheck implements LeakCheck {
        private final String id;
        private final Body body;

        TestCheck(String id, Body body) {
            this.id = id;
            this.body = body;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String kind() {
            return "Test";
        }

        @Override
        public Mode defaultMode() {
            return Mode.FIX;
        }

        @Override
        public void run(Scan scan) {
            body.run(scan);
        }
    }
}
