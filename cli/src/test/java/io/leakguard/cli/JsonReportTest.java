package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.findleaks.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --json}: well-formed, with the documented fields, saying the same as the text report. */
class JsonReportTest {

    private static final Set<String> TOP = Set.of("war", "context", "leakguard", "baseline", "cycles", "end",
            "survivors", "exitCode");
    private static final Set<String> CYCLE = Set.of("cycle", "requests", "findings", "warnings", "collected",
            "heldBy", "after");
    private static final Set<String> FINDING = Set.of("kind", "outcome", "what", "action", "threads", "message");
    private static final Set<String> FOOTPRINT = Set.of("loadedClasses", "metaspaceBytes");

    @TempDir
    Path dir;

    @Test
    void guardedRunListsWhatWasFixed() throws IOException {
        Path json = dir.resolve("report.json");
        Run run = Run.of("check", Wars.fixture(dir, "threadlocal-custom").toString(), "--request", "/leak",
                "--cycles", "2", "--json", json.toString());
        assertEquals(0, run.code(), run.all());
        Map<String, Object> report = object(JsonSyntax.parse(Files.readString(json)), TOP);
        assertEquals("/threadlocal-custom", report.get("context"));
        assertEquals(true, report.get("leakguard"));
        assertEquals(0L, report.get("survivors"));
        assertEquals(0L, report.get("exitCode"));
        object(report.get("baseline"), FOOTPRINT);
        object(report.get("end"), FOOTPRINT);
        List<?> cycles = assertInstanceOf(List.class, report.get("cycles"));
        assertEquals(2, cycles.size());
        for (int i = 0; i < cycles.size(); i++) {
            Map<String, Object> cycle = object(cycles.get(i), CYCLE);
            assertEquals((long) i + 1, cycle.get("cycle"));
            assertEquals(true, cycle.get("collected"));
            assertNull(cycle.get("heldBy"));
            assertEquals(List.of(Map.of("path", "/threadlocal-custom/leak", "status", 200L)), cycle.get("requests"));
            Map<String, Object> finding = object(single(cycle.get("findings")), FINDING);
            assertEquals("ThreadLocal", finding.get("kind"));
            assertEquals("fixed", finding.get("outcome"));
            assertTrue(run.out().contains((String) finding.get("message")), run.all());
            object(cycle.get("after"), FOOTPRINT);
        }
    }

    @Test
    void leakedRunCarriesTheExplanation() throws IOException {
        Path json = dir.resolve("report.json");
        Run run = Run.of("check", Wars.fixture(dir, "thread-spawned").toString(), "--request", "/leak",
                "--cycles", "1", "--without-leakguard", "--json", json.toString());
        assertEquals(1, run.code(), run.all());
        Map<String, Object> report = object(JsonSyntax.parse(Files.readString(json)), TOP);
        assertEquals(false, report.get("leakguard"));
        assertEquals(1L, report.get("survivors"));
        assertEquals(1L, report.get("exitCode"));
        Map<String, Object> cycle = object(single(report.get("cycles")), CYCLE);
        assertEquals(false, cycle.get("collected"));
        assertEquals(List.of(), cycle.get("findings"));
        String heldBy = (String) cycle.get("heldBy");
        assertTrue(heldBy.startsWith("leak kind: ") && heldBy.contains("\n  GC root: "), heldBy);
        assertTrue(run.out().contains(heldBy.lines().skip(1).findFirst().orElseThrow()), run.all());
    }

    @Test
    void escapesWhatJsonCannotHoldRaw() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\"", Json.string("a\"b\\c\nd\te\u0001"));
        assertEquals("a\"b\\c\nd\te\u0001", JsonSyntax.parse(Json.string("a\"b\\c\nd\te\u0001")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, Set<String> keys) {
        Map<String, Object> object = assertInstanceOf(Map.class, value);
        assertEquals(keys, object.keySet());
        return object;
    }

    private static Object single(Object array) {
        List<?> list = assertInstanceOf(List.class, array);
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }
}
