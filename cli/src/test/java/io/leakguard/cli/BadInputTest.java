package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Usage and input errors: exit code 2 and one clear line on stderr, never a stack trace, nothing on stdout. */
class BadInputTest {

    private static final Pattern PROGRESS = Pattern.compile("leakguard: (started Tomcat|cycle \\d+/\\d+:) .*");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frobnicate|unknown command [frobnicate]",
        "shop.war|unknown command [shop.war]; to check a WAR: leakguard check shop.war",
        "check|check needs a WAR file",
        "check a.war --cycles 0|--cycles [0] must be a whole number from 1 to 100",
        "check a.war --cycles many|--cycles [many] must be a whole number from 1 to 100",
        "check a.war --request|--request needs a value",
        "check a.war --request leak|--request [leak] must start with /",
        "check a.war --verbose|unexpected argument [--verbose]",
        "check a.war b.war|unexpected argument [b.war]"})
    void usageErrors(String args, String message) {
        Run run = Run.of(args.split(" "));
        assertOneLine(run, "leakguard: " + message);
    }

    @Test
    void missingFile() {
        Path war = dir.resolve("nothing.war");
        assertOneLine(Run.of("check", war.toString()), "leakguard: " + war + ": no such file");
    }

    @Test
    void fileThatIsNotAZip() throws IOException {
        Path war = Files.writeString(dir.resolve("notes.war"), "these are not the classes you are looking for");
        assertOneLine(Run.of("check", war.toString()), "leakguard: " + war + ": not a WAR (not a zip archive)");
    }

    @Test
    void truncatedArchive() throws IOException {
        Path good = Wars.fixture(dir, "clean");
        byte[] bytes = Files.readAllBytes(good);
        Path war = Files.write(dir.resolve("truncated.war"), Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(Run.of("check", war.toString()), "leakguard: " + war + ": corrupt archive (");
    }

    @Test
    void archiveWithADamagedEntry() throws IOException {
        Path war = Wars.of(dir.resolve("damaged.war"), Map.of("index.html", "x".repeat(4000)));
        byte[] bytes = Files.readAllBytes(war);
        // The entry's data starts after its local header (30 bytes and the name); corrupt a byte inside it.
        bytes[30 + "index.html".length() + 3] ^= 0x55;
        Files.write(war, bytes);
        assertOneLine(Run.of("check", war.toString()), "leakguard: " + war + ": corrupt archive (index.html: ");
    }

    @Test
    void webappThatFailsToStartGivesTomcatsReasonInOneLine() {
        Path war = Wars.of(dir.resolve("bad-web-xml.war"), Map.of("WEB-INF/web.xml", "<web-app><oops"));
        Run run = Run.of("check", war.toString());
        assertOneLine(run, "leakguard: bad-web-xml.war failed to start: ");
        assertTrue(run.err().contains("web.xml"), run.all());
    }

    @Test
    void jsonIntoAMissingDirectory() {
        Path war = Wars.fixture(dir, "clean");
        Path json = dir.resolve("no/such/dir/report.json");
        assertOneLine(Run.of("check", war.toString(), "--json", json.toString()), "leakguard: --json " + json
                + ": no such directory");
    }

    /** The first line says what is wrong; only a usage error adds the usage, and nothing has a stack trace. */
    private static void assertOneLine(Run run, String start) {
        assertEquals(2, run.code(), run.all());
        assertEquals("", run.out(), run.all());
        List<String> lines = run.err().lines().filter(line -> !PROGRESS.matcher(line).matches()).toList();
        assertTrue(lines.get(0).startsWith(start), run.all());
        assertTrue(lines.stream().skip(1).allMatch(line -> line.startsWith("usage: ")
                || line.startsWith("       leakguard check")), run.all());
        assertFalse(run.err().contains("\tat "), run.all());
    }
}
