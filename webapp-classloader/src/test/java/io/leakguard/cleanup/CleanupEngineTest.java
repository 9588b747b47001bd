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

    /**
     * Most often in an application's method a check had to run; the stack is unwound by the time the engine sees it,
     * and the pass, then the context's stop, go on.
     */
    @Test
    void aStackOverflowFailsOnlyItsCheck() {
        List<String> ran = new ArrayList<>();
        CleanupEngine engine = new CleanupEngine(List.of(check("first", CleanupEngineTest::overflow),
                check("second", scan -> ran.add("second"))));

        Report report = engine.clean(dying, "/app", Policy.defaults());

        assertEquals(List.of("second"), ran);
        assertEquals("leakguard: [/app] Test leak: the first check failed; skipped: java.lang.StackOverflowError",
                report.findings().get(0).message());
    }

    /**
     * Whoever interrupted the thread that stops the context, Tomcat's stop among them, asked that thread to give up
     * what it waits for: the check that was waiting gives up, the others still run without the interrupt ending each
     * of their waits in turn, and the thread still carries the interrupt when the pass returns.
     */
    @Test
    void anInterruptEndsOnlyTheCheckItCameInAndIsKeptForTheCaller() {
        List<String> ran = new ArrayList<>();
        CleanupEngine engine = new CleanupEngine(List.of(
                check("first", scan -> {
                    Thread.currentThread().interrupt();
                    Thread.sleep(10_000);
                }),
                check("second", scan -> {
                    Thread.currentThread().interrupt();
                    ran.add("second");
                }),
                check("third", scan -> {
                    Thread.sleep(1);
                    ran.add("third");
                })));

        Report report = engine.clean(dying, "/app", Policy.defaults());

        assertTrue(Thread.interrupted());
        assertEquals(List.of("second", "third"), ran);
        assertEquals("leakguard: [/app] Test leak: the first check failed; skipped: "
                + "java.lang.InterruptedException: sleep interrupted", report.findings().get(0).message());
        assertEquals(1, report.findings().size());
    }

    private static void overflow(Scan scan) {
        overflow(scan);
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
                + " to switch them on.", engine.unavailableMessage(Policy.defaults()));
    }

    @Test
    void aClosedOptionalInternalIsNamedOnceWithItsFlagAndWhatItAdds() {
        // java.lang.ref is opened by no flag the tests pass; Reference.referent exists on every supported JDK.
        Internal closed = JdkInternals.optionalField("java.lang.ref.Reference", "referent").orElseThrow();
        CleanupEngine engine = new CleanupEngine(List.of(
                improvable("first", new Improvement(closed, "referents are read")),
                improvable("second", new Improvement(closed, "referents are read"),
                        new Improvement(closed, "referents are cleared"))));

        assertEquals(List.of("leakguard: the optional flag --add-opens=java.base/java.lang.ref=ALL-UNNAMED is not set;"
                + " with it, referents are read (first); referents are read (second); referents are cleared (second)."
                + " Add it to CATALINA_OPTS or JAVA_OPTS for a more complete cleanup."),
                engine.improvableMessages(Policy.defaults()));
        assertNull(engine.unavailableMessage(Policy.defaults()));
    }

    @Test
    void anOptionalInternalThisJdkLacksOrHasOpenedIsNotAskedFor() {
        assertEquals(List.of(), Improvement.where(
                JdkInternals.optionalField("java.lang.Thread", "noSuchFieldAnywhere"), "nothing"));
        CleanupEngine engine = new CleanupEngine(List.of(improvable("quiet",
                new Improvement(JdkInternals.field("java.lang.Thread", "noSuchFieldAnywhere"), "nothing"),
                new Improvement(JdkInternals.field("java.lang.Thread", "name"), "names are read"))));

        assertEquals(List.of(), engine.improvableMessages(Policy.defaults()));
    }

    @Test
    void aCheckThatIsOffIsImprovedByNothingAndARequiredFlagIsNotAskedForTwice() {
        Internal referent = JdkInternals.optionalField("java.lang.ref.Reference", "referent").orElseThrow();
        Internal queue = JdkInternals.optionalField("java.lang.ref.Reference", "queue").orElseThrow();
        LeakCheck off = new TestCheck("off", scan -> { }) {
            @Override
            public List<Internal> needs() {
                return List.of(JdkInternals.field("java.lang.Thread", "noSuchFieldAnywhere"));
            }

            @Override
            public List<Improvement> improvedBy() {
                return List.of(new Improvement(referent, "referents are read"));
            }
        };
        LeakCheck needy = new TestCheck("needy", scan -> { }) {
            @Override
            public List<Internal> needs() {
                return List.of(queue);
            }
        };
        CleanupEngine engine = new CleanupEngine(List.of(off, needy,
                improvable("running", new Improvement(referent, "referents are cleared"))));

        assertEquals(List.of(), engine.improvableMessages(Policy.defaults()));
        assertEquals(List.of("--add-opens=java.base/java.lang.ref=ALL-UNNAMED", "not present on Java "
                + Runtime.version().feature()), List.copyOf(engine.unavailable(Policy.defaults()).keySet()));
    }

    @Test
    void aCheckTheSettingsSwitchOffIsAskedForNoFlag() {
        Internal closed = JdkInternals.optionalField("java.lang.ref.Reference", "referent").orElseThrow();
        LeakCheck needy = new TestCheck("timers", scan -> { }) {
            @Override
            public List<Internal> needs() {
                return List.of(closed);
            }
        };
        CleanupEngine engine = new CleanupEngine(List.of(needy,
                improvable("threads", new Improvement(closed, "referents are read"))));
        Policy off = Policy.defaults().with("timers", Mode.OFF).with("threads", Mode.OFF);

        assertNull(engine.unavailableMessage(off));
        assertEquals(List.of(), engine.improvableMessages(off));
        assertEquals(List.of("--add-opens=java.base/java.lang.ref=ALL-UNNAMED"),
                List.copyOf(engine.unavailable(Policy.defaults()).keySet()));
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
        assertNull(CleanupEngine.standard().unavailableMessage(Policy.defaults()));
    }

    @Test
    void theRealCatalogueAsksForNoOptionalFlagWithEveryFlagTheReadmeLists() {
        assertEquals(List.of(), CleanupEngine.standard().improvableMessages(Policy.defaults()));
    }

    private static LeakCheck check(String id, Body body) {
        return new TestCheck(id, body);
    }

    private static LeakCheck improvable(String id, Improvement... improvements) {
        return new TestCheck(id, scan -> { }) {
            @Override
            public List<Improvement> improvedBy() {
                return List.of(improvements);
            }
        };
    }

    private interface Body {
        void run(Scan scan) throws Exception;
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
        public void run(Scan scan) throws Exception {
            body.run(scan);
        }
    }
}
