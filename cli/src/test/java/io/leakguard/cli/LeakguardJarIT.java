package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: {@code java -jar leakguard.jar}, judged by its exit code. */
class LeakguardJarIT {

    @TempDir
    Path dir;

    @Test
    void exitCodes() throws Exception {
        assertEquals(0, run("check", Wars.fixture(dir, "clean").toString(), "--request", "/leak", "--cycles", "1"));
        assertEquals(1, run("check", Wars.fixture(dir, "threadlocal-value").toString(), "--request", "/leak",
                "--cycles", "1", "--without-leakguard"));
        assertEquals(2, run("check", dir.resolve("missing.war").toString()));
    }

    private static int run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of("-jar", System.getProperty("leakguard.cli.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), output);
        assertTrue(!output.contains("\tat "), output);
        // No flags on the command line: the jar's manifest opens what the checks read.
        assertTrue(!output.contains("cannot run on this JVM"), output);
        return process.exitValue();
    }
}
