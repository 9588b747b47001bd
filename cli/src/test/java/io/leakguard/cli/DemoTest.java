package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The demo a newcomer sees first: every fixture, once without and once with leakguard. */
class DemoTest {

    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\S+) +\\| (yes|no) +\\| (yes|no) +\\| (.+?) +\\|$", Pattern.MULTILINE);

    /** Leaks the project's own tests prove on stock Tomcat and prove gone with leakguard. */
    private static final Map<String, String> FIXED_BY_KIND = Map.of(
            "threadlocal-value", "ThreadLocal",
            "threadlocal-custom", "ThreadLocal",
            "thread-spawned", "Thread",
            "executor", "Executor",
            "timer-own", "Timer");

    private record Row(String leakedWithout, String leakedWith, String fixed) {
    }

    @Test
    void tableHasEveryFixtureWithSensibleValues() {
        Run run = Run.of();
        assertEquals(0, run.code(), run.all());
        assertTrue(run.out().startsWith("| fixture "), run.all());
        Map<String, Row> rows = new HashMap<>();
        Matcher row = ROW.matcher(run.out());
        while (row.find()) {
            rows.put(row.group(1), new Row(row.group(2), row.group(3), row.group(4)));
        }
        for (Demo.Fixture fixture : Demo.FIXTURES) {
            assertTrue(rows.containsKey(fixture.label()), fixture.label() + "\n" + run.all());
        }
        assertEquals(Demo.FIXTURES.size(), rows.size(), run.all());
        assertEquals(new Row("no", "no", "-"), rows.get("clean"), run.all());
        FIXED_BY_KIND.forEach((fixture, kind) -> {
            Row r = rows.get(fixture);
            assertEquals("yes", r.leakedWithout(), fixture + "\n" + run.all());
            assertEquals("no", r.leakedWith(), fixture + "\n" + run.all());
            // Other kinds may be fixed too: a pool thread still ending after its shutdown has its context loader reset.
            assertTrue(r.fixed().matches("(.*, )?" + kind + " \\d+(, .*)?"), fixture + "\n" + run.all());
        });
        assertTrue(run.err().contains("leakguard: demo with leakguard: forcing garbage collection"), run.all());
    }
}
