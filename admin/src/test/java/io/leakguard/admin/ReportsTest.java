package io.leakguard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.findleaks.LeakDetector.Check;
import io.leakguard.findleaks.LeakPath;
import io.leakguard.findleaks.LeakedWebapp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each view prints for one leaked application whose names try to break out of their place. */
class ReportsTest {

    private static final Instant STOPPED = Instant.parse("2026-11-22T14:00:00Z");
    private static final LeakPath PATH = new LeakPath("/shop##2", "live thread \"<b>\"",
            List.of(new LeakPath.Link("Thread.threadLocals", "Map@1"), new LeakPath.Link("[3]", "<script>x</script>")),
            "ThreadLocal (Thread.threadLocals)", 1);
    private static final LeakedWebapp SHOP = new LeakedWebapp("/shop##2", STOPPED.minusSeconds(60), STOPPED, 12,
            PATH.oneLine(), Optional.of(PATH));
    private static final Check CHECK = new Check(List.of(SHOP), STOPPED.plusSeconds(5));

    @Test
    void textHasTheManagersFirstLineAndOneLinePerApplicationWithItsVersion() {
        Answer fresh = new Answer(CHECK, STOPPED, Duration.ofSeconds(10));

        assertEquals("OK - Found potential memory leaks in the following applications:\n"
                + "/shop##2 - version: 2, stopped: 2026-11-22T14:00:00Z, classes kept loaded: 12\n",
                TextReport.of(fresh, false));
        assertEquals("OK - No memory leaks found\n",
                TextReport.of(new Answer(new Check(List.of(), STOPPED), STOPPED, Duration.ZERO), false));
    }

    @Test
    void explainIndentsTheChainUnderItsApplicationAndACachedAnswerSaysHowOld() {
        Answer cached = new Answer(CHECK, STOPPED.plusSeconds(9), Duration.ofSeconds(10));

        assertEquals("OK - Found potential memory leaks in the following applications:\n"
                + "/shop##2 - version: 2, stopped: 2026-11-22T14:00:00Z, classes kept loaded: 12\n"
                + "  leak kind: ThreadLocal (Thread.threadLocals)\n"
                + "    GC root: live thread \"<b>\"\n"
                + "    -> Thread.threadLocals = Map@1\n"
                + "    -> [3] = <script>x</script>   <== cut this reference\n"
                + "(cached result of the check that ended at 2026-11-22T14:00:05Z, 4 s ago: a new check runs at most"
                + " every 10 s)\n", TextReport.of(cached, true));
    }

    @Test
    void jsonEscapesAndMarksTheLinkToCut() {
        String json = JsonReport.of(new Answer(CHECK, STOPPED.plusSeconds(9), Duration.ofSeconds(10)), true);

        assertTrue(json.startsWith("{\"status\": \"OK\", \"checked\": \"2026-11-22T14:00:05Z\", \"cached\": true, "
                + "\"ageSeconds\": 4, \"minCheckIntervalSeconds\": 10, \"leaks\": [{\"webapp\": \"/shop##2\", "
                + "\"version\": \"2\", "), json);
        assertTrue(json.contains("\"root\": \"live thread \\\"<b>\\\"\", \"cut\": 1, \"links\": [{\"via\": "
                + "\"Thread.threadLocals\", \"to\": \"Map@1\", \"cut\": false}, {\"via\": \"[3]\", "
                + "\"to\": \"<script>x</script>\", \"cut\": true}]"), json);
        assertFalse(JsonReport.of(new Answer(CHECK, STOPPED, Duration.ZERO), false).contains("links"));
    }

    @Test
    void thePageEscapesEverythingItPrints() {
        String page = HtmlPage.of("/leakguard/html/findleaks?a=\"><script>", "token",
                Optional.of(new Answer(CHECK, STOPPED, Duration.ZERO)));

        assertFalse(page.contains("<script>") || page.contains("<b>"), page);
        assertTrue(page.contains("action=\"/leakguard/html/findleaks?a=&quot;&gt;&lt;script&gt;\""), page);
        assertTrue(page.contains("-&gt; [3] = &lt;script&gt;x&lt;/script&gt;   &lt;== cut this reference"), page);
        assertEquals("&lt;&gt;&amp;&quot;&#39;", HtmlPage.escape("<>&\"'"));
    }
}
